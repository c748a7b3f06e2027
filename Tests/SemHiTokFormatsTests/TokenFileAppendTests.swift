import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// Appending in place (Spec/tokens.md section 4): the old index goes only when a record
/// comes, and finishing after a failure indexes what was written.
struct TokenFileAppendTests {
    private let header = FormatFixtures.exampleTokenHeader(fingerprint: Array(0..<32))

    /// A file of the first two example records, finished.
    private func twoRecordFile(in folder: TemporaryDirectory) throws -> String {
        let path = folder.file("tokens.sht")
        let writer = try TokenFileWriter.create(at: path, header: header)
        for record in FormatFixtures.exampleRecords.prefix(2) { try writer.write(record) }
        try writer.finish()
        return path
    }

    @Test func anAppendThatAddsNothingLeavesTheBytes() throws {
        let folder = try TemporaryDirectory()
        let path = try twoRecordFile(in: folder)
        let before = try readBytes(path)
        let writer = try TokenFileWriter.append(to: path, header: header)
        #expect(writer.earlierRecordCount == 2)
        try writer.finish()
        #expect(try readBytes(path) == before)
    }

    /// A record the header refuses (a token at `K * m`) is not written; finishing then
    /// indexes the earlier records and the one written before it.
    @Test func finishingAfterARefusedRecordIndexesWhatWasWritten() throws {
        let folder = try TemporaryDirectory()
        let path = try twoRecordFile(in: folder)
        let writer = try TokenFileWriter.append(to: path, header: header)
        try writer.write(FormatFixtures.exampleRecords[2])
        let outOfRange = TokenRecord(key: "bad", gridHeight: 1, gridWidth: 1, tokens: [UInt32(header.vocabularySize)])
        #expect(throws: TokenFileError.self) { try writer.write(outOfRange) }
        try writer.finish()
        let file = try TokenFile(contentsOf: path)
        #expect(file.hasIndex && file.tornTail == nil)
        #expect(try (0..<file.recordCount).map { try file.record(at: $0) } == FormatFixtures.exampleRecords)
    }

    /// An append dropped before finishing, after a record: the earlier records and the new
    /// one read by scanning, without an index (what a killed writer leaves).
    @Test func anUnfinishedAppendReadsByScanning() throws {
        let folder = try TemporaryDirectory()
        let path = try twoRecordFile(in: folder)
        do {
            let writer = try TokenFileWriter.append(to: path, header: header)
            try writer.write(FormatFixtures.exampleRecords[2])
        }
        let file = try TokenFile(contentsOf: path)
        #expect(!file.hasIndex && file.tornTail == nil)
        #expect(try (0..<file.recordCount).map { try file.record(at: $0) } == FormatFixtures.exampleRecords)
    }
}
