import SemHiTok
import SemHiTokFormats
import TestSupport
import Testing

/// `WeightFile(bytes:name:)` and `TokenFile(bytes:name:)`: bytes held in memory are read
/// exactly as the same bytes in a file, and errors name the name given.
struct InMemoryReadingTests {
    @Test func weightContainerInMemoryEqualsTheFile() throws {
        let path = RepositoryPaths.golden("formats/example.shw")
        let fromFile = try WeightFile(contentsOf: path)
        let fromBytes = try readBytes(path).withUnsafeBytes { try WeightFile(bytes: $0, name: "example") }
        #expect(fromBytes.path == "example")
        #expect(fromBytes.config == fromFile.config)
        #expect(fromBytes.tensors == fromFile.tensors)
        #expect(fromBytes.fingerprint == fromFile.fingerprint)
        #expect(fromBytes.tensorDataVerified)
        for tensor in fromBytes.tensors where tensor.byteLength > 0 {
            withExtendedLifetime((fromBytes, fromFile)) {
                #expect(Array(fromBytes.bytes(of: tensor)) == Array(fromFile.bytes(of: tensor)), "\(tensor.name)")
                #expect(Int(bitPattern: fromBytes.bytes(of: tensor).baseAddress!) % 64 == 0, "\(tensor.name)")
            }
            fromBytes.releasePages(of: tensor)
            #expect(fromBytes.checksumMatches(tensor), "\(tensor.name)")
        }
        #expect(try fromBytes.floats("a.f32").values == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
    }

    @Test func weightContainerInMemoryIsValidatedAndErrorsNameIt() throws {
        var bytes = try readBytes(RepositoryPaths.golden("formats/example.shw"))
        let lastTensor = try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).tensors
            .last { $0.byteLength > 0 }!
        bytes[lastTensor.offset] ^= 1
        #expect(throws: WeightFileError(path: "damaged", kind: .tensorChecksumMismatch(tensor: lastTensor.name))) {
            try bytes.withUnsafeBytes { try WeightFile(bytes: $0, name: "damaged") }
        }
        #expect(try bytes.withUnsafeBytes { try WeightFile(bytes: $0, name: "damaged", verifyingTensorData: false) }
            .tensorDataVerified == false)
        #expect(throws: WeightFileError(path: "empty", kind: .truncatedPreamble(fileSize: 0))) {
            try [UInt8]().withUnsafeBytes { try WeightFile(bytes: $0, name: "empty") }
        }
    }

    @Test func tokenFileInMemoryEqualsTheFile() throws {
        for name in ["example.sht", "example_unfinished.sht", "example_torn.sht"] {
            let path = RepositoryPaths.golden("formats/" + name)
            let fromFile = try TokenFile(contentsOf: path)
            let fromBytes = try readBytes(path).withUnsafeBytes { try TokenFile(bytes: $0, name: name) }
            #expect(fromBytes.path == name)
            #expect(fromBytes.header == fromFile.header, "\(name)")
            #expect(fromBytes.hasIndex == fromFile.hasIndex, "\(name)")
            #expect(fromBytes.tornTail == fromFile.tornTail, "\(name)")
            #expect(fromBytes.recordsEnd == fromFile.recordsEnd, "\(name)")
            #expect(try (0..<fromBytes.recordCount).map { try fromBytes.record(at: $0) } == FormatFixtures.exampleRecords,
                    "\(name)")
        }
    }

    @Test func tokenFileInMemoryErrorsNameIt() throws {
        #expect(throws: TokenFileError(path: "short", kind: .truncatedHeader(fileSize: 3))) {
            try [UInt8](repeating: 0, count: 3).withUnsafeBytes { try TokenFile(bytes: $0, name: "short") }
        }
        let file = try readBytes(RepositoryPaths.golden("formats/example.sht")).withUnsafeBytes {
            try TokenFile(bytes: $0, name: "in memory")
        }
        #expect(throws: TokenFileError(path: "in memory", kind: .recordIndexOutOfRange(index: 3, count: 3))) {
            try file.record(at: 3)
        }
    }
}
