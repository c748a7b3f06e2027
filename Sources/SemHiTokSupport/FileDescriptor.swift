#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open POSIX file descriptor whose operations throw `FileSystemError` naming the
/// file, and which closes itself.
package final class FileDescriptor {
    /// The file as errors name it: the path the user gave, also for a temporary file
    /// written in its place.
    package let path: String
    private let descriptor: Int32

    private init(opening file: String, reportedAs path: String, flags: Int32, operation: String) throws {
        self.path = path
        descriptor = open(file, flags | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError.fromErrno(path, operation) }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Opens an existing file for reading.
    package static func forReading(_ path: String) throws -> FileDescriptor {
        try FileDescriptor(opening: path, reportedAs: path, flags: O_RDONLY, operation: "cannot open")
    }

    /// Creates the new file `file` for writing, failing if it exists; errors name `path`.
    package static func creatingNew(_ file: String, reportedAs path: String) throws -> FileDescriptor {
        try FileDescriptor(opening: file, reportedAs: path, flags: O_WRONLY | O_CREAT | O_EXCL, operation: "cannot create")
    }

    /// Opens an existing file for reading and writing in place.
    package static func forUpdate(_ path: String) throws -> FileDescriptor {
        try FileDescriptor(opening: path, reportedAs: path, flags: O_RDWR, operation: "cannot open for writing")
    }

    /// Opens an existing file for reading and writing in place; nil when there is none.
    package static func forUpdateIfPresent(_ path: String) throws -> FileDescriptor? {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError.fromErrno(path, "cannot open for writing")
        }
        return FileDescriptor(path: path, descriptor: descriptor)
    }

    /// Standard input, which stays open when this object goes away.
    package static func standardInput() -> FileDescriptor {
        FileDescriptor(path: "<stdin>", descriptor: dup(STDIN_FILENO))
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let written = posixWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError.fromErrno(path, "cannot write")
            }
            done += written
        }
    }

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Reads until `buffer` is full or the input ends; returns how many bytes were read.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < buffer.count {
            let got = posixRead(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if got < 0 {
                if errno == EINTR { continue }
                throw FileSystemError.fromErrno(path, "cannot read")
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Moves the write position to `offset` from the start.
    package func seek(to offset: Int) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else { throw FileSystemError.fromErrno(path, "cannot seek") }
    }

    /// The file's size if it is a regular file; nil for a pipe, a socket or a device.
    package func regularFileSize() throws -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileSystemError.fromErrno(path, "cannot stat") }
        return (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : nil
    }

    /// Cuts the file to `length` bytes.
    package func truncate(to length: Int) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw FileSystemError.fromErrno(path, "cannot truncate") }
    }

    /// Takes an exclusive advisory lock on the file without waiting: false when another
    /// open file holds one. The lock goes with the descriptor, so a process that dies
    /// releases it.
    package func lockExclusively() throws -> Bool {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw FileSystemError.fromErrno(path, "cannot lock")
    }

    /// Flushes the file's data to the storage device.
    package func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw FileSystemError.fromErrno(path, "cannot sync") }
    }
}

// The methods above are named `write` and `read`, which hide the C functions inside the class.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
