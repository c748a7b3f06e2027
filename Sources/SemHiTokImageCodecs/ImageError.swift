/// Why image bytes could not be decoded: each decoder throws one of these, naming what it
/// was reading or what is wrong in words a user can act on.
public enum ImageDecodingProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data ends before `what` was complete.
    case truncated(String)
    /// The data breaks the format's rules: `what` says how.
    case corrupt(String)
    /// A checksum stored in the file does not match its data.
    case checksumMismatch(String)
    /// A valid feature of the format that this library does not decode.
    case unsupported(String)
    /// The header declares more pixels than the limits allow.
    case tooLarge(width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case .truncated(let what): "truncated: the data ends inside \(what)"
        case .corrupt(let what): "corrupt: \(what)"
        case .checksumMismatch(let what): "checksum mismatch: \(what)"
        case .unsupported(let what): "unsupported: \(what)"
        case .tooLarge(let width, let height, let limit):
            "too large: \(width) x \(height) pixels, the limit is \(limit)"
        }
    }
}

/// An image file that could not be read or written: the file and the problem.
public struct ImageError: Error, Equatable, CustomStringConvertible {
    /// The file involved.
    public let path: String
    /// What is wrong with it.
    public let problem: ImageDecodingProblem

    public init(path: String, problem: ImageDecodingProblem) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
