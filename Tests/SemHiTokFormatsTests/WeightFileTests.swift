import Foundation
import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// The weight container: round trips, the canonical layout, agreement with the Python
/// writer, and every rejection of Spec/weights.md section 4.
struct WeightFileTests {
    @Test func roundTripKeepsConfigurationAndTensors() throws {
        let folder = try TemporaryDirectory()
        try FormatFixtures.exampleWeights().write(to: folder.file("example.shw"))
        let file = try WeightFile(contentsOf: folder.file("example.shw"))
        #expect(file.config["example.text"] == .string("SemHiTok \u{2713}"))
        #expect(file.config["example.reals"] == .reals([0.25, -1.5]))
        #expect(file.config["example.empty_ints"] == .ints([]))
        #expect(try file.int("example.negative") == -7)
        #expect(try file.real("example.real") == 0.5)
        #expect(file.tensors.map(\.name) == ["a.f32", "b.f16", "c.bf16", "d.i32", "e.u8", "f.scalar", "g.empty"])
        #expect(try file.floats("a.f32").values == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
        #expect(try file.floats("a.f32").shape == [2, 3])
        #expect(try file.int32s("d.i32").values == [-1, 0, Int32.max])
        #expect(try file.floats("f.scalar").values == [7.0])
        #expect(try file.floats("g.empty").values == [])
        #expect(Array(file.bytes(of: try file.tensor("e.u8"))) == [0, 1, 2, 254, 255])
    }

    /// Bit patterns widened by the definitions of binary16 and bfloat16.
    @Test func halfPrecisionTensorsWidenExactly() throws {
        let folder = try TemporaryDirectory()
        var builder = WeightFileBuilder()
        // binary16: 1, -2, 0.5, 65504, the smallest subnormal 2^-24, -0, +inf.
        builder.addHalf("h", dtype: .f16, shape: [7], bits: [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000, 0x7C00])
        builder.addHalf("b", dtype: .bf16, shape: [3], bits: [0x3F80, 0x4049, 0xFF80])
        try builder.write(to: folder.file("half.shw"))
        let file = try WeightFile(contentsOf: folder.file("half.shw"))
        let half = try file.floats("h").values
        #expect(half.map(\.bitPattern) == [1.0, -2.0, 0.5, 65504.0, 0x1p-24, -0.0, Float.infinity].map(\.bitPattern))
        #expect(try file.floats("b").values == [1.0, 3.140625, -Float.infinity])
    }

    /// `withFloats` hands over an `f32` tensor's mapped bytes in place and a widened copy of
    /// the half-precision ones, with the values `floats` gives.
    @Test func withFloatsReadsF32InPlaceAndWidensHalves() throws {
        let folder = try TemporaryDirectory()
        try FormatFixtures.exampleWeights().write(to: folder.file("example.shw"))
        let file = try WeightFile(contentsOf: folder.file("example.shw"))
        let mapped = file.bytes(of: try file.tensor("a.f32"))
        try file.withFloats("a.f32") { values, shape in
            #expect(Array(values) == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
            #expect(shape == [2, 3])
            #expect(UnsafeRawPointer(values.baseAddress) == mapped.baseAddress)
        }
        // The bit patterns FormatFixtures stores, widened by the definitions of the formats.
        for (name, expected, expectedShape) in [("b.f16", [Float(1), -2, 0.5, 65504], [4]), ("c.bf16", [1, -1, 3.140625, 0], [2, 2])] {
            try file.withFloats(name) { values, shape in
                #expect(Array(values) == expected, "\(name)")
                #expect(shape == expectedShape, "\(name)")
            }
        }
        #expect(throws: file.error(.unexpectedDType(tensor: "d.i32", expected: "f32, f16 or bf16", found: .i32))) {
            try file.withFloats("d.i32") { _, _ in }
        }
    }

    /// Releasing a tensor's pages (after a copy) keeps its bytes readable and unchanged:
    /// they are read from the file again.
    @Test func releasedPagesReadBackTheSameBytes() throws {
        let folder = try TemporaryDirectory()
        var builder = WeightFileBuilder()
        let values = (0..<20_000).map { Float($0) * 0.25 - 7 }
        builder.addFloat32("big", shape: [20_000], values)
        try builder.write(to: folder.file("big.shw"))
        let file = try WeightFile(contentsOf: folder.file("big.shw"))
        let tensor = try file.tensor("big")
        file.releasePages(of: tensor)
        #expect(try file.floats("big").values == values)
        #expect(file.checksumMatches(tensor))
    }

    @Test func tensorsAreAlignedTo64BytesInTheFileAndInMemory() throws {
        let folder = try TemporaryDirectory()
        try FormatFixtures.exampleWeights().write(to: folder.file("example.shw"))
        let file = try WeightFile(contentsOf: folder.file("example.shw"))
        for tensor in file.tensors {
            #expect(tensor.offset % 64 == 0, "\(tensor.name)")
            if tensor.byteLength > 0 {
                #expect(Int(bitPattern: file.bytes(of: tensor).baseAddress!) % 64 == 0, "\(tensor.name)")
            }
        }
    }

    @Test func bytesDependOnlyOnContentNotOnInsertionOrder() throws {
        let folder = try TemporaryDirectory()
        var forward = WeightFileBuilder()
        var backward = WeightFileBuilder()
        forward.config = ["b": .int(2), "a": .real(1)]
        backward.config = ["a": .real(1), "b": .int(2)]
        forward.addFloat32("x", shape: [2], [1, 2])
        forward.addInt32("w", shape: [1], [3])
        backward.addInt32("w", shape: [1], [3])
        backward.addFloat32("x", shape: [2], [1, 2])
        try forward.write(to: folder.file("forward.shw"))
        try backward.write(to: folder.file("backward.shw"))
        #expect(try readBytes(folder.file("forward.shw")) == readBytes(folder.file("backward.shw")))
    }

    /// The library's writer and the independent field-by-field encoder of the tests agree.
    @Test func writerMatchesTheFieldByFieldLayoutOfTheSpec() throws {
        let folder = try TemporaryDirectory()
        var builder = WeightFileBuilder()
        builder.config = ["alpha": .int(1), "beta": .string("two")]
        builder.addFloat32("first", shape: [2, 2], [1, 2, 3, 4])
        builder.addFloat32("second", shape: [3], [5, 6, 7])
        try builder.write(to: folder.file("built.shw"))
        #expect(try readBytes(folder.file("built.shw")) == RawWeightFile.valid().bytes())
    }

    @Test func writerOutputEqualsThePythonWritersFixture() throws {
        let fixture = RepositoryPaths.golden("formats/example.shw")
        let folder = try TemporaryDirectory()
        try FormatFixtures.exampleWeights().write(to: folder.file("example.shw"))
        #expect(try readBytes(folder.file("example.shw")) == readBytes(fixture))
    }

    @Test func fingerprintIsTheSHA256OfTheHeaderBytes() throws {
        let folder = try TemporaryDirectory()
        let builder = FormatFixtures.exampleWeights()
        try builder.write(to: folder.file("example.shw"))
        let bytes = try readBytes(folder.file("example.shw"))
        let headerLength = Int(bytes.littleEndian(at: 16, as: UInt64.self))
        let file = try WeightFile(contentsOf: folder.file("example.shw"))
        #expect(file.fingerprint == SHA256.digest(Array(bytes[32..<(32 + headerLength)])))
        #expect(try builder.encodedHeader(path: "unused") == Array(bytes[32..<(32 + headerLength)]))
    }

    @Test func fileWithoutTensorsEndsAtTheDataSection() throws {
        let folder = try TemporaryDirectory()
        var builder = WeightFileBuilder()
        builder.config = ["only": .int(1)]
        try builder.write(to: folder.file("empty.shw"))
        // Header: count 4 + entry (2 + 4 + 1 + 8) + tensor count 4 = 23 bytes; 32 + 23 rounds up to 64.
        #expect(try readBytes(folder.file("empty.shw")).count == 64)
        #expect(try WeightFile(contentsOf: folder.file("empty.shw")).tensors.isEmpty)
    }

    // MARK: - Rejections (Spec/weights.md section 4), one per check

    @Test func rejectsATruncatedPreamble() throws {
        try expectRejection(Array(RawWeightFile.valid().bytes()[0..<20]), .truncatedPreamble(fileSize: 20))
    }

    @Test func rejectsABadMagic() throws {
        var raw = RawWeightFile.valid()
        raw.magic = Array("SHW\r\n\u{1A}\n\0".utf8)
        try expectRejection(raw, .notAWeightFile)
    }

    @Test func rejectsAnUnsupportedVersion() throws {
        var raw = RawWeightFile.valid()
        raw.version = 2
        try expectRejection(raw, .unsupportedVersion(2))
    }

    @Test func rejectsAHeaderAboveTheSizeLimit() throws {
        var raw = RawWeightFile.valid()
        raw.headerLength = 1 << 40
        try expectRejection(raw, .headerTooLarge(headerLength: 1 << 40))
    }

    @Test func rejectsAHeaderLengthPastTheEnd() throws {
        var raw = RawWeightFile.valid()
        raw.headerLength = 1000
        let size = raw.bytes().count
        try expectRejection(raw, .headerLengthPastEnd(headerLength: 1000, fileSize: size))
    }

    @Test func rejectsAHeaderChecksumMismatch() throws {
        var bytes = RawWeightFile.valid().bytes()
        let stored: UInt32 = bytes.littleEndian(at: 12)
        bytes[40] ^= 0x01
        try expectRejection(bytes, .headerChecksumMismatch(
            stored: stored, computed: CRC32C.checksum(Array(bytes[16..<(32 + Int(bytes.littleEndian(at: 16, as: UInt64.self)))]))))
    }

    @Test func rejectsATruncatedFile() throws {
        var raw = RawWeightFile.valid()
        let full = raw.bytes()
        raw.fileLength = UInt64(full.count)
        let truncated = Array(raw.bytes().dropLast(5))
        try expectRejection(truncated, .fileLengthMismatch(declared: UInt64(full.count), actual: full.count - 5))
    }

    @Test func rejectsACountThatDoesNotFitTheHeader() throws {
        var raw = RawWeightFile.valid()
        raw.tensorCount = 1_000_000
        try expectRejection(raw, .truncatedHeader(field: "the tensor table"))
    }

    @Test func rejectsAHeaderThatEndsInsideAnEntry() throws {
        var raw = RawWeightFile.valid()
        raw.tensorCount = 3
        raw.trailingHeaderBytes = [4, 0, 0x7A, 0x7A]
        try expectRejection(raw, .truncatedHeader(field: "a tensor name"))
        // Name "z", dtype f32, rank 1, one dimension, then the header ends inside the offset.
        raw.trailingHeaderBytes = [1, 0, 0x7A, 1, 1] + [UInt8](repeating: 0, count: 8) + [0, 0]
        try expectRejection(raw, .truncatedHeader(field: "the entry of tensor 'z'"))
    }

    @Test func rejectsAnInvalidName() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[1].name = Array("sec ond".utf8)
        try expectRejection(raw, .invalidName("'sec ond'"))
        raw.tensors[1].name = []
        try expectRejection(raw, .invalidName("''"))
    }

    @Test func rejectsADuplicateKey() throws {
        var raw = RawWeightFile.valid()
        raw.config[1].key = raw.config[0].key
        try expectRejection(raw, .duplicateKey("alpha"))
    }

    @Test func rejectsADuplicateTensorName() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[1].name = raw.tensors[0].name
        try expectRejection(raw, .duplicateTensorName("first"))
    }

    @Test func rejectsEntriesOutOfOrder() throws {
        var raw = RawWeightFile.valid()
        raw.tensors.swapAt(0, 1)
        try expectRejection(raw, .entriesNotSorted("first"))
    }

    @Test func rejectsAnUnknownValueType() throws {
        var raw = RawWeightFile.valid()
        raw.config[0].type = 9
        try expectRejection(raw, .unknownValueType(key: "alpha", code: 9))
    }

    @Test func rejectsAStringThatIsNotUTF8() throws {
        var raw = RawWeightFile.valid()
        raw.config[1] = .string("beta", [0x74, 0xC3, 0x28])
        try expectRejection(raw, .invalidUTF8(key: "beta"))
    }

    @Test func rejectsAnUnknownDType() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[0].dtype = 0
        try expectRejection(raw, .unknownDType(tensor: "first", code: 0))
    }

    @Test func rejectsARankAboveEight() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[0].dimensions = Array(repeating: 1, count: 9)
        raw.tensors[0].data = [0, 0, 0, 0]
        try expectRejection(raw, .rankTooLarge(tensor: "first", rank: 9))
    }

    @Test func rejectsAShapeWhoseSizeOverflows() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[0].dimensions = [1 << 32, 1 << 32]
        try expectRejection(raw, .shapeOverflow(tensor: "first"))
        // 4 bytes x 2^61 = 2^63: above the signed 64-bit bound though it fits 64 unsigned bits.
        raw.tensors[0].dimensions = [1 << 61]
        try expectRejection(raw, .shapeOverflow(tensor: "first"))
        raw.tensors[0].dimensions = [0, UInt64.max]
        try expectRejection(raw, .shapeOverflow(tensor: "first"))
    }

    @Test func rejectsAByteLengthThatDisagreesWithTheShape() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[0].byteLength = 12
        try expectRejection(raw, .byteLengthMismatch(tensor: "first", expected: 16, actual: 12))
    }

    @Test func rejectsAMisalignedOffset() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[1].offset = 132
        try expectRejection(raw, .misalignedOffset(tensor: "second", offset: 132))
    }

    @Test func rejectsAnOffsetInsideTheHeader() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[0].offset = 0
        try expectRejection(raw, .offsetInsideHeader(tensor: "first", offset: 0))
    }

    @Test func rejectsAnOffsetOutOfBounds() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[1].offset = 1 << 20
        try expectRejection(raw, .offsetOutOfBounds(tensor: "second", offset: 1 << 20, byteLength: 12))
        raw.tensors[1].offset = UInt64.max - 63
        try expectRejection(raw, .offsetOutOfBounds(tensor: "second", offset: UInt64.max - 63, byteLength: 12))
    }

    @Test func rejectsOverlappingTensors() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(RawWeightFile.valid().bytes(), to: folder.file("valid.shw"))
        let firstOffset = try WeightFile(contentsOf: folder.file("valid.shw")).tensor("first").offset
        var raw = RawWeightFile.valid()
        raw.tensors[1].offset = UInt64(firstOffset)
        try expectRejection(raw, .overlappingTensors("first", "second"))
    }

    @Test func rejectsTrailingHeaderBytes() throws {
        var raw = RawWeightFile.valid()
        raw.trailingHeaderBytes = [0, 0, 0]
        try expectRejection(raw, .trailingHeaderBytes(count: 3))
    }

    @Test func rejectsATensorChecksumMismatchUnlessAskedToSkip() throws {
        var bytes = RawWeightFile.valid().bytes()
        bytes[bytes.count - 1] ^= 0x80
        try expectRejection(bytes, .tensorChecksumMismatch(tensor: "second"))
        let folder = try TemporaryDirectory()
        try writeBytes(bytes, to: folder.file("corrupt.shw"))
        let file = try WeightFile(contentsOf: folder.file("corrupt.shw"), verifyingTensorData: false)
        #expect(!file.tensorDataVerified)
        #expect(!file.checksumMatches(try file.tensor("second")))
        #expect(file.checksumMatches(try file.tensor("first")))
    }

    @Test func errorsNameTheFileAndTheTensor() throws {
        var raw = RawWeightFile.valid()
        raw.tensors[1].offset = 132
        let folder = try TemporaryDirectory()
        try writeBytes(raw.bytes(), to: folder.file("bad.shw"))
        let error = #expect(throws: WeightFileError.self) { try WeightFile(contentsOf: folder.file("bad.shw")) }
        #expect(error?.description == "\(folder.file("bad.shw")): tensor 'second': offset 132 is not a multiple of 64")
    }

    @Test func missingFileIsAFileSystemError() throws {
        let folder = try TemporaryDirectory()
        let error = #expect(throws: FileSystemError.self) { try WeightFile(contentsOf: folder.file("absent.shw")) }
        #expect(error?.description.hasPrefix(folder.file("absent.shw") + ": cannot open") == true)
    }

    // MARK: - Access and writing errors

    @Test func accessorsRejectMissingEntriesAndWrongTypes() throws {
        let folder = try TemporaryDirectory()
        try FormatFixtures.exampleWeights().write(to: folder.file("example.shw"))
        let file = try WeightFile(contentsOf: folder.file("example.shw"))
        #expect(throws: file.error(.missingTensor("nope"))) { try file.tensor("nope") }
        #expect(throws: file.error(.missingKey("nope"))) { try file.int("nope") }
        #expect(throws: file.error(.wrongValueType(key: "example.text", expected: "i64", found: "string"))) {
            try file.int("example.text")
        }
        #expect(throws: file.error(.unexpectedDType(tensor: "d.i32", expected: "f32, f16 or bf16", found: .i32))) {
            try file.floats("d.i32")
        }
        #expect(throws: file.error(.unexpectedShape(tensor: "a.f32", expected: "rank 1", found: [2, 3]))) {
            try file.floats("a.f32", rank: 1)
        }
    }

    @Test func writerRefusesInvalidContent() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.shw")
        var builder = WeightFileBuilder()
        builder.addFloat32("x", shape: [3], [1, 2])
        #expect(throws: WeightFileError(path: path, kind: .byteLengthMismatch(tensor: "x", expected: 12, actual: 8))) {
            try builder.write(to: path)
        }
        builder = WeightFileBuilder()
        builder.addFloat32("x", shape: [1], [1])
        builder.addFloat32("x", shape: [1], [2])
        #expect(throws: WeightFileError(path: path, kind: .duplicateTensorName("x"))) { try builder.write(to: path) }
        builder = WeightFileBuilder()
        builder.config["bad key"] = .int(1)
        #expect(throws: WeightFileError(path: path, kind: .invalidName("'bad key'"))) { try builder.write(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    private func expectRejection(_ raw: RawWeightFile, _ kind: WeightFileError.Kind,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectRejection(raw.bytes(), kind, sourceLocation: sourceLocation)
    }

    private func expectRejection(_ bytes: [UInt8], _ kind: WeightFileError.Kind,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("malformed.shw")
        try writeBytes(bytes, to: path)
        #expect(throws: WeightFileError(path: path, kind: kind), sourceLocation: sourceLocation) {
            try WeightFile(contentsOf: path)
        }
    }
}
