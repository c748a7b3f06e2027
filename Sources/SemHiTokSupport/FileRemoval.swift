#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the file `path`; a file that is not there is not an error.
package func removeFileIfPresent(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError.fromErrno(path, "cannot remove") }
}
