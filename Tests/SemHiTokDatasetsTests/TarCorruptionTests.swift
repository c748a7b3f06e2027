import Foundation
@testable import SemHiTokDatasets
import SemHiTok
import TestSupport
import Testing

/// Damaged archives (Spec/datasets.md section 3): a tar reader either reads them to the end
/// or stops with a `TarError`; it never crashes, never reads past a limit, and a cut archive
/// is either reported as truncated or, cut at a header boundary, ends early there.
struct TarCorruptionTests {
    static let archives = ["ustar.tar", "gnu.tar", "pax.tar", "webdataset.tar"]

    /// Reads every member and its data (up to 1 MiB each) from `bytes`.
    static func readAll(_ bytes: [UInt8], in folder: TemporaryDirectory) throws -> [String] {
        let path = folder.file("damaged.tar")
        try writeBytes(bytes, to: path)
        let reader = try TarReader(path: path)
        var paths: [String] = []
        while let member = try reader.next() {
            if member.kind == .file { _ = try reader.readData(maximumSize: 1 << 20) }
            paths.append(member.path)
        }
        return paths
    }

    /// The offsets of the headers of an intact archive: every block whose checksum holds.
    static func headerOffsets(_ bytes: [UInt8]) -> [Int] {
        stride(from: 0, to: bytes.count, by: 512).filter { offset in
            let block = Array(bytes[offset..<(offset + 512)])
            return (try? TarHeader(block, offset: offset, archive: "")) != nil
        }
    }

    static func checksummed(_ bytes: inout [UInt8], at offsets: [Int]) {
        for offset in offsets where offset + 512 <= bytes.count {
            bytes.replaceSubrange((offset + 148)..<(offset + 156), with: Array(repeating: UInt8(ascii: " "), count: 8))
            let sum = bytes[offset..<(offset + 512)].reduce(0) { $0 + Int($1) }
            bytes.replaceSubrange((offset + 148)..<(offset + 156), with: Array(String(format: "%06o", sum).utf8) + [0, 32])
        }
    }

    @Test func randomDamageIsReadOrRefusedWithATarError() throws {
        let folder = try TemporaryDirectory()
        let originals = try Self.archives.map { try readBytes(TarReaderTests.folder + "/" + $0) }
        let headers = originals.map(Self.headerOffsets)
        let sizeEdit = FieldEdit.oneOf(["77777777777", "0000000000\u{1}", "-1", "99999999999"], width: 12) { Array($0.utf8) }
        let tally = tallyDamage(to: originals, seed: 31, trials: 1500, fieldEdits: [sizeEdit], repair: { bytes, trial in
            // Half the trials fix the header checksums, so that the damage reaches the fields.
            if trial % 2 == 0 { Self.checksummed(&bytes, at: headers[trial % originals.count]) }
        }) { damaged in
            do {
                _ = try Self.readAll(damaged.bytes, in: folder)
                return .allowed("read")
            } catch let error as TarError {
                return .allowed(caseName(of: error.problem))
            } catch {
                return .ruledOut("\(error)")
            }
        }
        #expect(tally.ruledOut == [])
        #expect(tally.allowed["read", default: 0] > 0)
        #expect(tally.allowed["badChecksum", default: 0] > 0)
        #expect(tally.allowed["truncated", default: 0] > 0)
    }

    /// Cut anywhere: truncated, or (cut where a header would start, or after the zero block
    /// that ends the archive) the members before the cut.
    @Test(arguments: archives)
    func everyCutIsTruncatedOrAnEarlierEnd(archive: String) throws {
        let folder = try TemporaryDirectory()
        let original = try readBytes(TarReaderTests.folder + "/" + archive)
        let all = try Self.readAll(original, in: folder)
        let endBlock = try #require(stride(from: 0, to: original.count, by: 512).first { offset in
            offset > (Self.headerOffsets(original).last ?? 0) && original[offset..<(offset + 512)].allSatisfy { $0 == 0 }
        })
        for cut in Array(stride(from: 0, to: original.count, by: 97)) + Array(stride(from: 0, to: original.count, by: 512)) {
            do {
                let paths = try Self.readAll(Array(original[..<cut]), in: folder)
                #expect(cut % 512 == 0 || cut >= endBlock + 512, "cut at \(cut) was read")
                #expect(all.starts(with: paths), "cut at \(cut)")
            } catch let error as TarError {
                #expect(error.problem == .truncated(what: "header block") || caseName(of: error.problem) == "truncated",
                        "cut at \(cut): \(error)")
            }
        }
    }

    @Test func aChangedHeaderByteFailsTheChecksum() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(TarReaderTests.folder + "/ustar.tar")
        bytes[600] ^= 1
        #expect(throws: TarError.self) { _ = try Self.readAll(bytes, in: folder) }
        do { _ = try Self.readAll(bytes, in: folder) } catch let error as TarError {
            #expect(error.offset == 512)
            #expect(caseName(of: error.problem) == "badChecksum")
        }
    }

    @Test func aSizeThatIsNotOctalIsRefused() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(TarReaderTests.folder + "/ustar.tar")
        bytes.replaceSubrange((512 + 124)..<(512 + 136), with: Array("0000000008\0 ".utf8))
        Self.checksummed(&bytes, at: [512])
        #expect(throws: TarError(archive: folder.file("damaged.tar"), offset: 512, problem: .badNumber(field: "size"))) {
            _ = try Self.readAll(bytes, in: folder)
        }
    }

    /// A pax header larger than the limit is refused before it is read.
    @Test func anOversizedPaxHeaderIsRefused() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(TarReaderTests.folder + "/pax.tar")
        let headers = Self.headerOffsets(bytes)
        let pax = try #require(headers.first { bytes[$0 + 156] == UInt8(ascii: "x") })
        bytes.replaceSubrange((pax + 124)..<(pax + 136), with: Array(String(format: "%011o", (1 << 20) + 1).utf8) + [0])
        Self.checksummed(&bytes, at: [pax])
        #expect(throws: TarError(archive: folder.file("damaged.tar"), offset: pax,
                                 problem: .extensionTooLarge(size: (1 << 20) + 1, limit: 1 << 20))) {
            _ = try Self.readAll(bytes, in: folder)
        }
    }

    @Test func malformedPaxRecordsAreRefused() {
        for record in ["9 path=a", "5 path=ab\n", "x path=a\n", "12 pathnoeq\n", "13 size=1x2\n", "99 path=a\n"] {
            #expect(throws: TarError.self, "\(record)") {
                _ = try PaxRecords.parse(Array(record.utf8), offset: 0, archive: "a.tar")
            }
        }
        #expect((try? PaxRecords.parse(Array("11 path=ab\n14 size=12345\n".utf8), offset: 0, archive: "a.tar"))?.size == 12345)
    }
}
