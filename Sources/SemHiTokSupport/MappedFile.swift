#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole regular file mapped read-only into memory, so that a reader can validate and
/// then use its bytes in place (weights are never copied); or, for a reader given bytes
/// rather than a path, a copy of those bytes held in the same way (`init(copying:path:)`).
///
/// The bytes are untrusted: readers check every size and offset before they index them.
/// As with any memory map, another process truncating the file while it is mapped makes
/// later accesses fault; the files this maps are not expected to change while in use.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened with, for error messages.
    public let path: String
    /// The file's bytes, valid as long as this object lives.
    public let bytes: UnsafeRawBufferPointer
    /// Whether `bytes` is a copy in allocated memory rather than a mapping.
    private let isCopy: Bool

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
        isCopy = false
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

    /// Holds a copy of `bytes` as if it were the contents of a file, which `path` names in
    /// messages. The copy starts 64-byte aligned, as a mapping's page does, so data a format
    /// aligns in the file is aligned in memory too; `releasePages` leaves it alone.
    public init(copying bytes: UnsafeRawBufferPointer, path: String) {
        self.path = path
        isCopy = true
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        copy.copyMemory(from: bytes)
        self.bytes = UnsafeRawBufferPointer(copy)
    }

    /// Tells the system that the bytes in `range` are not needed for now: the whole pages
    /// inside it leave the process's resident memory and are read from the file again if
    /// touched. Used once a tensor has been checked or copied, so that opening and loading
    /// a model does not hold the whole file in memory besides the model. Does nothing for a
    /// copy.
    public func releasePages(in range: Range<Int>) {
        guard !isCopy, let base = bytes.baseAddress, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
    }

    deinit {
        if isCopy {
            UnsafeMutableRawBufferPointer(mutating: bytes).deallocate()
        } else if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
