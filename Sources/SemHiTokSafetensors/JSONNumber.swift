/// A JSON number, kept as the literal the document wrote (Spec/safetensors.md section 2):
/// `2`, `2.0` and `2e0` are different literals, and only the first is an integer.
public struct JSONNumber: Equatable, Sendable {
    /// The literal as written, e.g. `-12.5e3`; it follows RFC 8259's number grammar.
    public let text: String

    init(text: String) {
        self.text = text
    }

    /// The value, when the literal is an integer (no fraction, no exponent) within the
    /// range of `Int64`; nil otherwise, also for `1.0` and `1e2`.
    public var int64: Int64? {
        guard text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }

    /// The literal's value rounded correctly to the nearest `Double` (ties to even). The
    /// parser refuses literals that round to an infinity, so this is finite.
    public var double: Double {
        // The grammar was checked, so the standard library's parser accepts the text; it
        // rounds correctly.
        Double(text)!
    }
}
