import Foundation

/// JSON text for the command line's machine-readable output.
enum JSONText {
    /// `members` (keys and JSON texts) as one object on one line.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    /// `text` as a JSON string, escaped as RFC 8259 requires.
    static func string(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case let control where control.value < 0x20: escaped += String(format: "\\u%04x", control.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// `value` as a JSON number (shortest round-trip form), or `null` when it is not finite
    /// (an infinite PSNR: identical images).
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
