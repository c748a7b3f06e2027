/// The members of a JSON object in file order (Spec/safetensors.md section 2). Keys are
/// unique: the parser refuses duplicates, comparing keys as Swift strings do (by Unicode
/// canonical equivalence).
public struct JSONObject: Equatable, Sendable {
    /// The members in the order the document lists them.
    public let members: [(key: String, value: JSONValue)]
    /// The position of each key in `members`, for objects large enough that a linear
    /// search would cost; nil for small ones, which most objects are, so that a document of
    /// many small objects does not hold a dictionary for each.
    private let positions: [String: Int]?

    static let indexedMemberCount = 16

    /// `members`, whose keys the caller has checked are unique.
    init(uniqueMembers members: [(key: String, value: JSONValue)]) {
        self.members = members
        positions = members.count > Self.indexedMemberCount
            ? Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.key, $0) }) : nil
    }

    /// The value of `key`, or nil when the object has no such member.
    public subscript(key: String) -> JSONValue? {
        if let positions {
            return positions[key].map { members[$0].value }
        }
        return members.first { $0.key == key }?.value
    }

    /// The keys in file order.
    public var keys: [String] { members.map(\.key) }

    public static func == (left: JSONObject, right: JSONObject) -> Bool {
        left.members.count == right.members.count
            && zip(left.members, right.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
