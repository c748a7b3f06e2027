/// Text from an untrusted file shown safely in an error message: quoted, with control
/// characters escaped and long text cut, so that a hostile name cannot forge or flood the
/// message.
enum MessageText {
    /// Longer text is cut to this many characters (Unicode scalars) and its length added.
    static let maximumShownLength = 80

    /// `text` between single quotes, control characters (C0, DEL, C1) and the quote and
    /// backslash escaped as `\u{XX}` or with a backslash.
    static func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var shown = ""
        for scalar in scalars.prefix(maximumShownLength) {
            switch scalar {
            case "'", "\\": shown += "\\" + String(scalar)
            case _ where isControl(scalar): shown += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        let count = scalars.count
        return count > maximumShownLength ? "'\(shown)...' (\(text.utf8.count) bytes)" : "'\(shown)'"
    }

    /// A byte of the document: a printable ASCII character in quotes, else its value in
    /// hexadecimal.
    static func byte(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "character '\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
    }

    /// Whether `scalar` is a control character: U+0000 to U+001F, U+007F to U+009F.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
