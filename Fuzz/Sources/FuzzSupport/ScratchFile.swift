#if canImport(Glibc)
import Glibc
#endif

/// A file that holds each input in turn, for a reader that takes a path: one per process,
/// in /dev/shm (memory) where it exists, else in $TMPDIR or /tmp, named after the process.
public final class ScratchFile: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Creates the file `semhitok-fuzz-PID-name` (replacing one left by an earlier process
    /// with the same id).
    public init(name: String) {
        let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        path = "\(folder)/semhitok-fuzz-\(getpid())-\(name)"
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { fatalError("cannot create the scratch file \(path)") }
    }

    /// Makes `bytes` the whole content of the file.
    public func hold(_ bytes: UnsafeRawBufferPointer) {
        guard ftruncate(descriptor, 0) == 0, bytes.isEmpty || pwrite(descriptor, bytes.baseAddress, bytes.count, 0) == bytes.count else {
            fatalError("cannot write the scratch file \(path)")
        }
    }

    /// Deletes the file.
    public func remove() {
        unlink(path)
    }
}
