/// Why one record of a token file could not be read (Spec/tokens.md section 2.4).
public enum TokenRecordProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case incomplete(needed: Int, available: Int)
    case badTag
    case invalidRecordHeader(String)
    case checksumMismatch
    case invalidKey
    case tokenOutOfRange(position: Int, value: UInt32, vocabularySize: Int)
    case wrongLength(expected: Int, found: Int)
    case invalidIndex

    public var description: String {
        switch self {
        case .incomplete(let needed, let available):
            "incomplete record: it needs \(needed) bytes, \(available) remain"
        case .badTag:
            "bad record tag (expected \"SHTR\")"
        case .invalidRecordHeader(let detail):
            "invalid record header: \(detail)"
        case .checksumMismatch:
            "record checksum mismatch"
        case .invalidKey:
            "the key is not valid UTF-8"
        case .tokenOutOfRange(let position, let value, let vocabulary):
            "token \(value) at position \(position) is out of range (vocabulary \(vocabulary))"
        case .wrongLength(let expected, let found):
            "the record is \(found) bytes but the index gives it \(expected)"
        case .invalidIndex:
            "an index block that is not valid (an interrupted or damaged index)"
        }
    }
}

/// Bytes at the end of a token file that do not form a complete record: what an
/// interrupted writer leaves (Spec/tokens.md section 2.3).
public struct TornTail: Equatable, Sendable, CustomStringConvertible {
    /// Where the unreadable bytes start.
    public let offset: Int
    /// How many bytes there are, to the end of the file.
    public let length: Int
    /// Why the bytes there are not a record.
    public let problem: TokenRecordProblem

    public var description: String { "torn tail: \(length) bytes at offset \(offset) (\(problem))" }
}

/// Why a token file could not be read, written or used (Spec/tokens.md). The description
/// names the file.
public struct TokenFileError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        case truncatedHeader(fileSize: Int)
        case notATokenFile
        case unsupportedVersion(UInt32)
        case headerChecksumMismatch
        case invalidHeader(String)
        case corruptRecord(index: Int, offset: Int, problem: TokenRecordProblem)
        case tornTail(TornTail)
        case recordIndexOutOfRange(index: Int, count: Int)
        case invalidRecord(String)
        case modelMismatch(expected: String, found: String)
        case headerMismatch(String)
        case inUse
    }

    /// The file involved.
    public let path: String
    /// What went wrong.
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(path): \(message)" }

    private var message: String {
        switch kind {
        case .truncatedHeader(let size):
            "truncated header: the file is \(size) bytes, a token file starts with 64"
        case .notATokenFile:
            "not a SemHiTok token file (bad magic)"
        case .unsupportedVersion(let version):
            "unsupported token file version \(version) (this reader knows version 1)"
        case .headerChecksumMismatch:
            "header checksum mismatch"
        case .invalidHeader(let detail):
            "invalid header: \(detail)"
        case .corruptRecord(let index, let offset, let problem):
            "record \(index) at offset \(offset): \(problem)"
        case .tornTail(let tail):
            "\(tail)"
        case .recordIndexOutOfRange(let index, let count):
            "no record \(index): the file has \(count)"
        case .invalidRecord(let detail):
            "cannot write record: \(detail)"
        case .modelMismatch(let expected, let found):
            "model mismatch: the tokens were made by model \(found), this model is \(expected)"
        case .headerMismatch(let detail):
            "cannot append: \(detail)"
        case .inUse:
            "another process is writing this file (it holds its lock)"
        }
    }
}
