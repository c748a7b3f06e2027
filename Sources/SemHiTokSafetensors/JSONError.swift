/// Why bytes are not a JSON document this library accepts (Spec/safetensors.md section 2):
/// the byte offset where the document went wrong, and the reason.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Equatable, Sendable {
        /// The bytes are not well-formed UTF-8 (the offset is the first byte of the first
        /// ill-formed sequence).
        case invalidUTF8
        /// The document ended where a value, or the rest of one, was expected.
        case unexpectedEnd
        /// A byte the grammar does not allow where it stands.
        case unexpectedCharacter(UInt8)
        /// A string ended at the end of the document, without its closing quote.
        case unterminatedString
        /// A control character (below U+0020) written unescaped inside a string.
        case controlCharacterInString(UInt8)
        /// A backslash not followed by one of `" \ / b f n r t` or by `u` and four
        /// hexadecimal digits.
        case invalidEscape
        /// A `\u` escape of a UTF-16 surrogate that is not half of a high-low pair.
        case loneSurrogate
        /// A number that breaks the grammar: no digit after `-`, `.` or the exponent, or a
        /// leading zero.
        case invalidNumber
        /// A number whose magnitude rounds to infinity as a `Double`.
        case numberOutOfRange
        /// An object repeats this key.
        case duplicateKey(String)
        /// Arrays and objects nested deeper than `JSONDocument.maximumDepth`.
        case nestingTooDeep
        /// Something other than whitespace follows the document's value.
        case trailingCharacters
    }

    /// The byte offset, from the start of the document, where the problem is.
    public let offset: Int
    /// What was wrong there.
    public let reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "byte \(offset): \(reasonDescription)" }

    /// The reason in words, without the offset.
    public var reasonDescription: String {
        switch reason {
        case .invalidUTF8: "invalid UTF-8"
        case .unexpectedEnd: "unexpected end of the document"
        case .unexpectedCharacter(let byte): "unexpected \(MessageText.byte(byte))"
        case .unterminatedString: "unterminated string"
        case .controlCharacterInString(let byte): "unescaped control character \(MessageText.byte(byte)) in a string"
        case .invalidEscape: "invalid escape in a string"
        case .loneSurrogate: "a \\u escape of a lone UTF-16 surrogate"
        case .invalidNumber: "invalid number"
        case .numberOutOfRange: "number out of range (beyond the largest finite double)"
        case .duplicateKey(let key): "duplicate key \(MessageText.quoted(key))"
        case .nestingTooDeep: "arrays and objects nested deeper than \(JSONDocument.maximumDepth)"
        case .trailingCharacters: "characters after the document's value"
        }
    }
}
