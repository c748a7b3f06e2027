import Foundation
import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// A resumable writer (Spec/datasets.md section 7): it writes `path.partial` in place and
/// renames it when finished; run again, it continues the partial file (or a finished one),
/// cutting off a torn tail, and the finished file equals one written in a single run.
struct TokenFileResumeTests {
    private let header = FormatFixtures.exampleTokenHeader(fingerprint: Array(0..<32))
    private let records = FormatFixtures.exampleRecords

    /// The bytes of a file of `records` written in one run by `create`.
    private func uninterrupted(in folder: TemporaryDirectory) throws -> [UInt8] {
        let path = folder.file("reference.sht")
        let writer = try TokenFileWriter.create(at: path, header: header)
        for record in records { try writer.write(record) }
        try writer.finish()
        return try readBytes(path)
    }

    @Test func aNewRunWritesThePartialFileAndRenamesIt() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        let writer = try TokenFileWriter.resume(at: path, header: header)
        #expect(writer.resumption == nil)
        #expect(writer.workingPath == path + ".partial")
        try writer.write(records[0])
        #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: path))
        for record in records.dropFirst() { try writer.write(record) }
        try writer.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.sht"])
        #expect(try readBytes(path) == uninterrupted(in: folder))
    }

    /// A partial file cut in the middle of its second record: the run continues after the
    /// first, reports the cut-off bytes, and the finished file is the uninterrupted one.
    @Test func aTornPartialFileIsContinued() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        let reference = try uninterrupted(in: folder)
        let cut = TokenFileHeader.length + FormatFixtures.exampleRecordSizes[0] + 10
        try writeBytes(Array(reference.prefix(cut)), to: path + ".partial")
        let writer = try TokenFileWriter.resume(at: path, header: header)
        let resumption = try #require(writer.resumption)
        #expect(resumption.path == path + ".partial")
        #expect(resumption.keys == [records[0].key])
        #expect(resumption.discardedTail?.offset == TokenFileHeader.length + FormatFixtures.exampleRecordSizes[0])
        #expect(resumption.discardedTail?.length == 10)
        for record in records.dropFirst() { try writer.write(record) }
        try writer.finish()
        #expect(try readBytes(path) == reference)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    /// A finished file is continued in place: a run that adds nothing leaves its bytes.
    @Test func aFinishedFileIsContinuedInPlace() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        let reference = try uninterrupted(in: folder)
        try writeBytes(reference, to: path)
        let writer = try TokenFileWriter.resume(at: path, header: header)
        #expect(writer.resumption?.keys == records.map(\.key))
        #expect(writer.workingPath == path)
        try writer.finish()
        #expect(try readBytes(path) == reference)
    }

    /// `restarting` ignores both a partial and a finished file; the finished one is replaced
    /// only when the new run finishes.
    @Test func restartingStartsANewPartialFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        let reference = try uninterrupted(in: folder)
        try writeBytes(reference, to: path)
        try writeBytes(Array(reference.prefix(100)), to: path + ".partial")
        let writer = try TokenFileWriter.resume(at: path, header: header, restarting: true)
        #expect(writer.resumption == nil)
        try writer.write(records[1])
        #expect(try readBytes(path) == reference)
        try writer.finish()
        let file = try TokenFile(contentsOf: path)
        #expect(try file.recordCount == 1 && file.record(at: 0) == records[1])
    }

    @Test func anotherModelsFileIsRefused() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        try writeBytes(try uninterrupted(in: folder), to: path)
        let other = FormatFixtures.exampleTokenHeader(fingerprint: Array(repeating: 7, count: 32))
        #expect {
            try TokenFileWriter.resume(at: path, header: other)
        } throws: { error in
            guard let error = error as? TokenFileError, case .headerMismatch = error.kind else { return false }
            return error.path == path
        }
    }

    /// While one writer holds the partial file, a second is refused (the lock is taken per
    /// open file, so this holds within one process as across processes).
    @Test func aSecondWriterIsRefusedWhileTheFirstWrites() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        do {
            let first = try TokenFileWriter.resume(at: path, header: header)
            #expect(throws: TokenFileError(path: path + ".partial", kind: .inUse)) {
                try TokenFileWriter.resume(at: path, header: header)
            }
            try first.finish()
        }
        #expect(throws: Never.self) { try TokenFileWriter.resume(at: path, header: header).finish() }
    }

    /// Suspended after a record, the partial file stays, indexed; suspended before any, it
    /// is removed.
    @Test func suspendingKeepsOnlyAPartialFileWithRecords() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.sht")
        try TokenFileWriter.resume(at: path, header: header).suspend()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let writer = try TokenFileWriter.resume(at: path, header: header)
        try writer.write(records[0])
        try writer.suspend()
        let partial = try TokenFile(contentsOf: path + ".partial")
        #expect(partial.hasIndex)
        #expect(try partial.recordCount == 1 && partial.record(at: 0) == records[0])
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
