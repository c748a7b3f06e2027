#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the operating system to open, map, read, write or rename a file.
public struct FileSystemError: Error, Equatable, CustomStringConvertible {
    /// The file the operation was on.
    public let path: String
    /// What was being done and what the system said, e.g. "cannot open: No such file or directory".
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// An error for the failed `operation`, with the system's reason taken from `errno`.
    static func fromErrno(_ path: String, _ operation: String) -> FileSystemError {
        FileSystemError(path: path, message: "\(operation): \(String(cString: strerror(errno)))")
    }

    public var description: String { "\(path): \(message)" }
}
