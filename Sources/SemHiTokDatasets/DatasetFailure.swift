/// A record that could not be made: its key and why (Spec/datasets.md section 5).
public struct DatasetFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record's key, or the input's name when a whole input failed.
    public let key: String
    public let reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(key): \(reason)" }
}
