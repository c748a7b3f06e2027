import Foundation
import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// The token file: round trips, agreement with the Python writer, appending, torn tails,
/// streaming, and every rejection of Spec/tokens.md section 2.
struct TokenFileTests {
    let header = TokenFileHeader(modelFingerprint: Array(0..<32), semanticCodebookSize: 24_576,
                                 pixelCodebookSize: 8, gridHeight: 16, gridWidth: 16)

    @Test func roundTripKeepsHeaderAndRecords() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        try write(FormatFixtures.exampleRecords, to: path)
        let file = try TokenFile(contentsOf: path)
        #expect(file.header == header)
        #expect(file.hasIndex)
        #expect(file.tornTail == nil)
        #expect(try (0..<file.recordCount).map { try file.record(at: $0) } == FormatFixtures.exampleRecords)
    }

    @Test func randomAccessReadsAnyRecordDirectly() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        let records = (0..<100).map { TokenRecord(key: "image-\($0)", gridHeight: 1 + $0 % 3, gridWidth: 2,
                                                  tokens: (0..<(2 * (1 + $0 % 3))).map { UInt32($0 * 1000 + 7) }) }
        try write(records, to: path)
        let file = try TokenFile(contentsOf: path)
        #expect(file.recordCount == 100)
        #expect(try file.record(at: 73) == records[73])
        #expect(try file.record(at: 0) == records[0])
        #expect(throws: TokenFileError(path: path, kind: .recordIndexOutOfRange(index: 100, count: 100))) {
            try file.record(at: 100)
        }
    }

    @Test func writerOutputEqualsThePythonWritersFixtures() throws {
        let fingerprint = try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).fingerprint
        let folder = try TemporaryDirectory()
        let writer = try TokenFileWriter.create(at: folder.file("example.sht"),
                                                header: FormatFixtures.exampleTokenHeader(fingerprint: fingerprint))
        try FormatFixtures.exampleRecords.forEach(writer.write)
        try writer.finish()
        #expect(try readBytes(folder.file("example.sht")) == readBytes(RepositoryPaths.golden("formats/example.sht")))
        // The unfinished fixture is the finished file without its index block: 8 + 8 n + 24 bytes.
        let unfinished = try readBytes(RepositoryPaths.golden("formats/example_unfinished.sht"))
        #expect(unfinished == Array(try readBytes(folder.file("example.sht")).dropLast(8 + 8 * 3 + 24)))
    }

    @Test func readsThePythonWritersFixtures() throws {
        let fingerprint = try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).fingerprint
        let expectedHeader = FormatFixtures.exampleTokenHeader(fingerprint: fingerprint)
        for name in ["example.sht", "example_unfinished.sht", "example_torn.sht"] {
            let file = try TokenFile(contentsOf: RepositoryPaths.golden("formats/" + name))
            #expect(file.header == expectedHeader, "\(name)")
            #expect(try (0..<file.recordCount).map { try file.record(at: $0) } == FormatFixtures.exampleRecords, "\(name)")
            #expect(file.hasIndex == (name == "example.sht"), "\(name)")
        }
    }

    /// The torn fixture ends with the first 10 bytes of a fourth record, which starts after
    /// the header and the three records: 64 + 56 + 24 + 56 = 200.
    @Test func reportsTheTornTailOfTheFixture() throws {
        let file = try TokenFile(contentsOf: RepositoryPaths.golden("formats/example_torn.sht"))
        let recordsEnd = 64 + FormatFixtures.exampleRecordSizes.reduce(0, +)
        #expect(file.tornTail == TornTail(offset: recordsEnd, length: 10, problem: .incomplete(needed: 16, available: 10)))
        #expect(file.recordsEnd == recordsEnd)
    }

    @Test func appendingGivesTheSameBytesAsWritingAllAtOnce() throws {
        let folder = try TemporaryDirectory()
        try write(FormatFixtures.exampleRecords, to: folder.file("whole.sht"))
        try write(Array(FormatFixtures.exampleRecords[0..<2]), to: folder.file("appended.sht"))
        let appender = try TokenFileWriter.append(to: folder.file("appended.sht"), header: header)
        #expect(appender.recordCount == 2)
        try appender.write(FormatFixtures.exampleRecords[2])
        try appender.finish()
        #expect(try readBytes(folder.file("appended.sht")) == readBytes(folder.file("whole.sht")))
    }

    @Test func appendingToAFileWithoutIndexContinuesAfterItsRecords() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        try write(FormatFixtures.exampleRecords, to: path, finish: false)
        let appender = try TokenFileWriter.append(to: path, header: header)
        try appender.write(FormatFixtures.exampleRecords[0])
        try appender.finish()
        let file = try TokenFile(contentsOf: path)
        #expect(file.hasIndex)
        #expect(try (0..<file.recordCount).map { try file.record(at: $0) }
            == FormatFixtures.exampleRecords + [FormatFixtures.exampleRecords[0]])
    }

    /// An append that stops before `finish` (a killed process) leaves the records it wrote,
    /// found by scanning; one cut mid-record leaves a torn tail and every earlier record.
    @Test func interruptedAppendLeavesEarlierRecordsReadable() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        try write(Array(FormatFixtures.exampleRecords[0..<1]), to: path)
        let appender = try TokenFileWriter.append(to: path, header: header)
        try appender.write(FormatFixtures.exampleRecords[1])
        try appender.write(FormatFixtures.exampleRecords[2])
        let unfinished = try TokenFile(contentsOf: path)
        #expect(!unfinished.hasIndex)
        #expect(unfinished.tornTail == nil)
        #expect(unfinished.recordCount == 3)

        let bytes = try readBytes(path)
        try writeBytes(Array(bytes.dropLast(30)), to: path)
        let torn = try TokenFile(contentsOf: path)
        let thirdStart = 64 + 56 + 24
        #expect(torn.recordCount == 2)
        #expect(torn.tornTail == TornTail(offset: thirdStart, length: 56 - 30, problem: .incomplete(needed: 56, available: 26)))
        #expect(try torn.record(at: 1) == FormatFixtures.exampleRecords[1])
    }

    @Test func appendRefusesATornTailUnlessToldToDiscardIt() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        try writeBytes(try readBytes(RepositoryPaths.golden("formats/example_torn.sht")), to: path)
        let fingerprint = try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).fingerprint
        let fixtureHeader = FormatFixtures.exampleTokenHeader(fingerprint: fingerprint)
        let tail = TornTail(offset: 200, length: 10, problem: .incomplete(needed: 16, available: 10))
        #expect(throws: TokenFileError(path: path, kind: .tornTail(tail))) {
            try TokenFileWriter.append(to: path, header: fixtureHeader)
        }
        let appender = try TokenFileWriter.append(to: path, header: fixtureHeader, discardingTornTail: true)
        try appender.finish()
        #expect(try readBytes(path) == readBytes(RepositoryPaths.golden("formats/example.sht")))
    }

    @Test func appendRefusesAnotherModelsFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        try write(FormatFixtures.exampleRecords, to: path)
        var other = header
        other.pixelCodebookSize = 4
        #expect {
            try TokenFileWriter.append(to: path, header: other)
        } throws: { error in
            guard let error = error as? TokenFileError, case .headerMismatch = error.kind else { return false }
            return error.path == path
        }
    }

    @Test func decodingWithAnotherModelFailsClearly() throws {
        let other = [UInt8](repeating: 0xAB, count: 32)
        #expect(throws: TokenFileError(path: "t.sht", kind: .modelMismatch(
            expected: Hexadecimal.digits(other) + " (K 24576, m 8)", found: Hexadecimal.digits(header.modelFingerprint) + " (K 24576, m 8)"))) {
            try header.checkProducedBy(fingerprint: other, semanticCodebookSize: 24_576, pixelCodebookSize: 8, path: "t.sht")
        }
        #expect(throws: TokenFileError.self) {
            try header.checkProducedBy(fingerprint: header.modelFingerprint, semanticCodebookSize: 24_576,
                                       pixelCodebookSize: 4, path: "t.sht")
        }
        try header.checkProducedBy(fingerprint: header.modelFingerprint, semanticCodebookSize: 24_576,
                                   pixelCodebookSize: 8, path: "t.sht")
    }

    @Test func unfinishedNewFileLeavesNothingAtTheDestination() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        do {
            let writer = try TokenFileWriter.create(at: path, header: header)
            try writer.write(FormatFixtures.exampleRecords[0])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    // MARK: - Streaming

    @Test func streamReaderDeliversEveryRecordInOrder() throws {
        for name in ["example.sht", "example_unfinished.sht"] {
            let stream = try TokenStreamReader(path: RepositoryPaths.golden("formats/" + name))
            var records: [TokenRecord] = []
            while let record = try stream.next() { records.append(record) }
            #expect(records == FormatFixtures.exampleRecords, "\(name)")
            #expect(try stream.next() == nil)
        }
    }

    @Test func streamReaderReportsATornTailAfterTheRecordsBeforeIt() throws {
        let stream = try TokenStreamReader(path: RepositoryPaths.golden("formats/example_torn.sht"))
        for expected in FormatFixtures.exampleRecords { #expect(try stream.next() == expected) }
        #expect(throws: TokenFileError(path: RepositoryPaths.golden("formats/example_torn.sht"), kind: .tornTail(
            TornTail(offset: 200, length: 10, problem: .incomplete(needed: 16, available: 10))))) {
            try stream.next()
        }
        #expect(try stream.next() == nil)
    }

    @Test func streamReaderRejectsAnIndexThatDoesNotMatchItsRecords() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example.sht"))
        bytes[bytes.count - 30] ^= 1
        try writeBytes(bytes, to: folder.file("bad-index.sht"))
        let stream = try TokenStreamReader(path: folder.file("bad-index.sht"))
        for _ in 0..<3 { _ = try stream.next() }
        #expect(throws: TokenFileError(path: folder.file("bad-index.sht"), kind: .tornTail(
            TornTail(offset: 200, length: 8 + 8 * 3 + 24, problem: .invalidIndex)))) { try stream.next() }
    }

    // MARK: - Rejections

    @Test func rejectsATruncatedHeader() throws {
        try expectRejection(Array(try fixtureBytes()[0..<40]), .truncatedHeader(fileSize: 40))
    }

    @Test func rejectsABadMagic() throws {
        var bytes = try fixtureBytes()
        bytes[3] = 0x57
        try expectRejection(bytes, .notATokenFile)
    }

    @Test func rejectsAnUnsupportedVersion() throws {
        var bytes = try fixtureBytes()
        bytes.setLittleEndian(UInt32(2), at: 8)
        try expectRejection(bytes, .unsupportedVersion(2))
    }

    @Test func rejectsAHeaderChecksumMismatch() throws {
        var bytes = try fixtureBytes()
        bytes[20] ^= 0x10
        try expectRejection(bytes, .headerChecksumMismatch)
    }

    @Test func rejectsAnInvalidHeader() throws {
        var bytes = try fixtureBytes()
        bytes.setLittleEndian(UInt32(0), at: 52)
        bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<64])), at: 12)
        try expectRejection(bytes, .invalidHeader("m is 0, it must be 1 to 2^32 - 1"))
        bytes.setLittleEndian(UInt32(1 << 20), at: 52)
        bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<64])), at: 12)
        try expectRejection(bytes, .invalidHeader("K * m is above 2^31 - 1"))
    }

    /// With an index, a damaged record is reported on its own; the others stay readable.
    @Test func reportsACorruptRecordInAnIndexedFile() throws {
        let folder = try TemporaryDirectory()
        var bytes = try fixtureBytes()
        bytes[64 + 56 + 16] ^= 0x01
        try writeBytes(bytes, to: folder.file("corrupt.sht"))
        let file = try TokenFile(contentsOf: folder.file("corrupt.sht"))
        #expect(file.hasIndex)
        #expect(throws: TokenFileError(path: folder.file("corrupt.sht"),
                                       kind: .corruptRecord(index: 1, offset: 120, problem: .checksumMismatch))) {
            try file.record(at: 1)
        }
        #expect(try file.record(at: 2) == FormatFixtures.exampleRecords[2])
    }

    @Test func scanningStopsAtADamagedRecordAndReportsTheRestAsTorn() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example_unfinished.sht"))
        bytes[64 + 56] = 0x58
        try writeBytes(bytes, to: folder.file("damaged.sht"))
        let file = try TokenFile(contentsOf: folder.file("damaged.sht"))
        #expect(file.recordCount == 1)
        #expect(file.tornTail == TornTail(offset: 120, length: 80, problem: .badTag))
    }

    @Test func rejectsATokenOutOfRange() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example_unfinished.sht"))
        // Record 1 ("" key, one token 42) holds its token at 120 + 16; make it K * m.
        bytes.setLittleEndian(UInt32(196_608), at: 136)
        bytes.setLittleEndian(CRC32C.checksum(Array(bytes[120..<140])), at: 140)
        try writeBytes(bytes, to: folder.file("range.sht"))
        let file = try TokenFile(contentsOf: folder.file("range.sht"))
        #expect(file.tornTail?.problem == .tokenOutOfRange(position: 0, value: 196_608, vocabularySize: 196_608))
    }

    @Test func rejectsAKeyThatIsNotUTF8() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example_unfinished.sht"))
        bytes[64 + 16] = 0xFF
        bytes.setLittleEndian(CRC32C.checksum(Array(bytes[64..<(64 + 52)])), at: 64 + 52)
        try writeBytes(bytes, to: folder.file("key.sht"))
        #expect(try TokenFile(contentsOf: folder.file("key.sht")).tornTail?.problem == .invalidKey)
    }

    @Test func rejectsAnImpossibleGridBeforeReadingFurther() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example_unfinished.sht"))
        bytes.setLittleEndian(UInt32(1 << 20), at: 64 + 4)
        try writeBytes(bytes, to: folder.file("grid.sht"))
        #expect(try TokenFile(contentsOf: folder.file("grid.sht")).tornTail?.problem
            == .invalidRecordHeader("grid 1048576 x 3"))
    }

    @Test func writerRefusesRecordsTheHeaderCannotHold() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sht")
        let writer = try TokenFileWriter.create(at: path, header: header)
        #expect(throws: TokenFileError(path: path, kind: .invalidRecord(
            "record 'big': token 196608 at position 1 is not below the vocabulary size 196608"))) {
            try writer.write(TokenRecord(key: "big", gridHeight: 1, gridWidth: 2, tokens: [0, 196_608]))
        }
        #expect(throws: TokenFileError(path: path, kind: .invalidRecord("record 'short': 3 tokens for a 2 x 2 grid"))) {
            try writer.write(TokenRecord(key: "short", gridHeight: 2, gridWidth: 2, tokens: [0, 1, 2]))
        }
    }

    // MARK: - Helpers

    /// Writes `records`; without `finish`, the bytes an interrupted writer leaves: the
    /// header and the records, no index.
    private func write(_ records: [TokenRecord], to path: String, finish: Bool = true) throws {
        guard finish else {
            try writeBytes(header.encoded() + records.flatMap { $0.encoded() }, to: path)
            return
        }
        let writer = try TokenFileWriter.create(at: path, header: header)
        try records.forEach(writer.write)
        try writer.finish()
    }

    private func fixtureBytes() throws -> [UInt8] {
        try readBytes(RepositoryPaths.golden("formats/example.sht"))
    }

    private func expectRejection(_ bytes: [UInt8], _ kind: TokenFileError.Kind,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("malformed.sht")
        try writeBytes(bytes, to: path)
        #expect(throws: TokenFileError(path: path, kind: kind), sourceLocation: sourceLocation) {
            try TokenFile(contentsOf: path)
        }
        #expect(throws: TokenFileError(path: path, kind: kind), sourceLocation: sourceLocation) {
            try TokenStreamReader(path: path)
        }
    }
}
