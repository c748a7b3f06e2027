#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file written under a temporary name in its destination's folder and renamed
/// into place by `commit()`, so that the destination is either the old file or the whole
/// new one, never a partial write. Dropped without `commit()`, it removes the temporary.
/// Errors name the destination, the path the user gave.
package final class AtomicOutputFile {
    /// Where the file will be once committed.
    let destination: String
    /// The temporary file being written.
    let temporaryPath: String
    package let descriptor: FileDescriptor
    private var committed = false

    package init(destination: String) throws {
        self.destination = destination
        let slash = destination.lastIndex(of: "/")
        let folder = slash.map { String(destination[...$0]) } ?? ""
        let name = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        temporaryPath = "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = try FileDescriptor.creatingNew(temporaryPath, reportedAs: destination)
    }

    /// Writes `bytes` to `destination` atomically.
    package static func write(_ bytes: [UInt8], to destination: String) throws {
        let file = try AtomicOutputFile(destination: destination)
        try file.descriptor.write(bytes)
        try file.commit()
    }

    /// Makes the data durable and renames the temporary file to the destination.
    package func commit() throws {
        try descriptor.synchronize()
        guard rename(temporaryPath, destination) == 0 else {
            throw FileSystemError.fromErrno(destination, "cannot rename the temporary file into place")
        }
        committed = true
    }

    deinit {
        if !committed { unlink(temporaryPath) }
    }
}
