#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole regular file mapped read-only into memory, so that a reader can validate and
/// then use its bytes in place (weights are never copied).
///
/// The bytes are untrusted: readers check every size and offset before they index them.
/// As with any memory map, another process truncating the file while it is mapped makes
/// later accesses fault; the files this maps are not expected to change while in use.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened with, for error messages.
    public let path: String
    /// The file's bytes, valid as long as this object lives.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file at `path`; fails if it cannot be opened, is not a regular file, or
    /// cannot be mapped.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw FileSystemError.fromErrno(path, "cannot open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileSystemError.fromErrno(path, "cannot stat") }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw FileSystemError(path: path, message: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw FileSystemError.fromErrno(path, "cannot map")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
