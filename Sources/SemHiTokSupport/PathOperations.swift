#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the file `path`; a file that is not there is not an error.
package func removeFileIfPresent(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError.fromErrno(path, "cannot remove") }
}

/// Renames `source` to `destination`, replacing it; errors name `destination`.
package func renameFile(_ source: String, to destination: String) throws {
    guard rename(source, destination) == 0 else {
        throw FileSystemError.fromErrno(destination, "cannot rename \(source) into place")
    }
}
