import SemHiTokSupport
import TestSupport
import Testing

/// `MappedFile(copying:path:)`: a copy of bytes held like a mapped file.
struct MappedFileTests {
    @Test func copyHoldsTheBytesAlignedAndOutlivesTheOriginal() {
        var original: [UInt8] = (0..<200).map { UInt8($0) }
        let copy = original.withUnsafeBytes { MappedFile(copying: $0, path: "name") }
        original[0] = 99
        #expect(copy.path == "name")
        withExtendedLifetime(copy) {
            #expect(Array(copy.bytes) == (0..<200).map { UInt8($0) })
            #expect(Int(bitPattern: copy.bytes.baseAddress!) % 64 == 0)
            copy.releasePages(in: 0..<200)
            #expect(Array(copy.bytes) == (0..<200).map { UInt8($0) })
        }
    }

    @Test func copyOfNoBytesIsEmpty() {
        let copy = [UInt8]().withUnsafeBytes { MappedFile(copying: $0, path: "empty") }
        #expect(copy.bytes.isEmpty)
    }

    @Test func mappedFileHasTheFilesBytes() throws {
        let folder = try TemporaryDirectory()
        let bytes: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try writeBytes(bytes, to: folder.file("data"))
        let mapped = try MappedFile(path: folder.file("data"))
        withExtendedLifetime(mapped) { #expect(Array(mapped.bytes) == bytes) }
        try writeBytes([], to: folder.file("empty"))
        #expect(try MappedFile(path: folder.file("empty")).bytes.isEmpty)
    }
}
