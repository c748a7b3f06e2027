import Foundation
import SemHiTok
@testable import SemHiTokSupport
import TestSupport
import Testing

/// Writing under a temporary name and renaming into place (the README's promise that a
/// failed run never leaves a half-written file).
struct AtomicOutputFileTests {
    /// A missing folder is reported under the path the user gave, not the hidden temporary.
    @Test func errorsNameTheDestination() throws {
        let folder = try TemporaryDirectory()
        let destination = folder.file("missing/out.sht")
        #expect(throws: FileSystemError(path: destination, message: "cannot create: No such file or directory")) {
            try AtomicOutputFile.write([1, 2, 3], to: destination)
        }
    }

    /// Until `commit()` the destination keeps its old bytes; a file dropped uncommitted
    /// leaves nothing behind.
    @Test func theDestinationChangesOnlyOnCommit() throws {
        let folder = try TemporaryDirectory()
        let destination = folder.file("out.bin")
        try AtomicOutputFile.write([1], to: destination)
        do {
            let file = try AtomicOutputFile(destination: destination)
            try file.descriptor.write([2, 2])
            #expect(try readBytes(destination) == [1])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
        let file = try AtomicOutputFile(destination: destination)
        try file.descriptor.write([3, 3, 3])
        try file.commit()
        #expect(try readBytes(destination) == [3, 3, 3])
    }
}
