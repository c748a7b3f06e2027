/// A tar archive that cannot be read further: where and why (Spec/datasets.md section 3).
public struct TarError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The archive ends inside a header, an extension or a member's data.
        case truncated(what: String)
        /// The header's stored checksum is not the sum of its bytes.
        case badChecksum(stored: Int, computed: Int)
        /// A numeric header field is not octal text or GNU base-256, or is out of range.
        case badNumber(field: String)
        /// A pax extended header record is malformed.
        case badPaxRecord(String)
        /// A member name is not UTF-8, is empty, or holds a NUL byte.
        case badName(String)
        /// A pax header or GNU long name larger than `TarLimits.maximumExtensionSize`.
        case extensionTooLarge(size: Int, limit: Int)
        /// A member larger than the reader was asked to read.
        case memberTooLarge(size: Int, limit: Int)

        public var description: String {
            switch self {
            case .truncated(let what): "the archive ends inside the \(what)"
            case .badChecksum(let stored, let computed): "header checksum \(stored), but its bytes sum to \(computed)"
            case .badNumber(let field): "header field '\(field)' is not a valid number"
            case .badPaxRecord(let detail): "bad pax extended header: \(detail)"
            case .badName(let detail): "bad member name: \(detail)"
            case .extensionTooLarge(let size, let limit): "extended header of \(size) bytes is over the limit of \(limit)"
            case .memberTooLarge(let size, let limit): "member of \(size) bytes is over the limit of \(limit)"
            }
        }
    }

    /// The archive as the user named it.
    public let archive: String
    /// The byte offset of the header (or extension) where the problem is.
    public let offset: Int
    public let problem: Problem

    public init(archive: String, offset: Int, problem: Problem) {
        self.archive = archive
        self.offset = offset
        self.problem = problem
    }

    public var description: String { "\(archive): at byte \(offset): \(problem)" }
}
