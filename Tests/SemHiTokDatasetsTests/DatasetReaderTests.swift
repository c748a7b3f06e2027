import Foundation
@testable import SemHiTokDatasets
import SemHiTok
import TestSupport
import Testing

/// The records of folders, lists, shards and image files, in the fixed order of
/// Spec/datasets.md section 1, and what comes back instead of a record that cannot be read.
struct DatasetReaderTests {
    /// Every entry of `inputs`, as (ordinal, key, bytes or failure reason).
    static func entries(_ inputs: [DatasetInput], maximumFileSize: Int = 1 << 20,
                        wanted: @escaping (Int, String) -> Bool = { _, _ in true }) -> [(Int?, String, Result<[UInt8], DatasetFailure>)] {
        let reader = DatasetReader(inputs: inputs, maximumFileSize: maximumFileSize, wanted: wanted)
        var result: [(Int?, String, Result<[UInt8], DatasetFailure>)] = []
        while let entry = reader.next() { result.append((entry.ordinal, entry.key, entry.content)) }
        return result
    }

    /// The shard's samples are webdataset's (`expected.json`, from its `base_plus_ext` rule),
    /// each with its first image member's bytes.
    @Test func aShardGivesWebdatasetsSamples() throws {
        let shard = TarReaderTests.folder + "/webdataset.tar"
        let document = try JSONDocument.parse(try readBytes(TarReaderTests.folder + "/expected.json"))
        let samples = try #require(document.object?["webdataset.tar samples"]?.array)
        let members = try TarReaderTests.expected("webdataset.tar")
        let entries = Self.entries([.shard(shard)])
        #expect(entries.map(\.1) == samples.compactMap { $0.object?["key"]?.string })
        #expect(entries.map(\.0) == Array(0..<samples.count))
        for (entry, sample) in zip(entries, samples) {
            let image = try #require(sample.object?["image"]?.string)
            let member = try #require(members.first { $0.path == image })
            #expect(Hexadecimal.digits(SHA256.digest(try entry.2.get())) == member.sha256)
        }
    }

    /// A folder's images at any depth, keyed relative to it, in the order of their UTF-8
    /// bytes ("a.png" before "a/b.png" before "b.png", "Z" before "a"); other files ignored.
    @Test func aFolderGivesItsImagesInByteOrder() throws {
        let folder = try TemporaryDirectory()
        for name in ["b.png", "a/b.png", "a.png", "Z.JPG", "a/c/d.ppm", "notes.txt", "a/e.jpeg", "\u{e9}.png", "f.gif", "g.BMP", "h.webp"] {
            try FileManager.default.createDirectory(atPath: (folder.file(name) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try writeBytes(Array(name.utf8), to: folder.file(name))
        }
        let entries = Self.entries([.folder(folder.path)])
        #expect(entries.map(\.1) == ["Z.JPG", "a.png", "a/b.png", "a/c/d.ppm", "a/e.jpeg", "b.png", "f.gif", "g.BMP", "h.webp", "\u{e9}.png"])
        #expect(try entries.map { try $0.2.get() } == entries.map { Array($0.1.utf8) })
    }

    /// A list's lines are its keys, relative paths resolved against the list's folder;
    /// CRLF and empty lines are allowed, and a missing file is a failed entry.
    @Test func aListGivesItsLines() throws {
        let folder = try TemporaryDirectory()
        try writeBytes([1], to: folder.file("one.png"))
        try writeBytes([2], to: folder.file("two.png"))
        try writeBytes(Array("one.png\r\n\n\(folder.file("two.png"))\nmissing.png".utf8), to: folder.file("images.txt"))
        let entries = Self.entries([.list(folder.file("images.txt"))])
        #expect(entries.map(\.1) == ["one.png", folder.file("two.png"), "missing.png"])
        #expect(try entries[0].2.get() == [1])
        #expect(try entries[1].2.get() == [2])
        #expect(throws: DatasetFailure.self) { try entries[2].2.get() }
    }

    @Test func aListThatIsNotTextEndsWithAFailure() throws {
        let folder = try TemporaryDirectory()
        try writeBytes([1], to: folder.file("one.png"))
        try writeBytes(Array("one.png\n".utf8) + [0xFF, 0xFE, 0x0A], to: folder.file("bad.txt"))
        let entries = Self.entries([.list(folder.file("bad.txt"))])
        #expect(entries.map(\.1) == ["one.png", folder.file("bad.txt")])
        #expect(entries[1].0 == nil)
        #expect(throws: DatasetFailure(key: folder.file("bad.txt"), reason: "line 2 is not UTF-8 text")) { try entries[1].2.get() }
    }

    /// Ordinals run on across inputs; `wanted` sees every record, and only what it wants is read.
    @Test func ordinalsRunAcrossInputsAndWantedSelects() throws {
        let folder = try TemporaryDirectory()
        try writeBytes([1], to: folder.file("x.png"))
        let inputs: [DatasetInput] = [.image(folder.file("x.png")), .shard(TarReaderTests.folder + "/webdataset.tar"),
                                      .image(folder.file("x.png"))]
        var seen: [Int] = []
        let entries = Self.entries(inputs) { ordinal, _ in
            seen.append(ordinal)
            return ordinal % 2 == 1
        }
        #expect(seen == Array(0..<6))
        #expect(entries.map(\.0) == [1, 3, 5])
        #expect(entries.map(\.1) == ["000000", "000003", folder.file("x.png")])
    }

    /// Over the size limit: a failed entry, the data not read; the run goes on.
    @Test func aFileOrMemberOverTheLimitFails() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(Array(repeating: 7, count: 200), to: folder.file("big.png"))
        let entries = Self.entries([.image(folder.file("big.png")), .shard(TarReaderTests.folder + "/webdataset.tar")],
                                   maximumFileSize: 150)
        #expect(entries.count == 5)
        #expect(throws: DatasetFailure(key: folder.file("big.png"), reason: "200 bytes is over the limit of 150")) { try entries[0].2.get() }
        #expect(throws: DatasetFailure(key: "000000", reason: "633 bytes is over the limit of 150")) { try entries[1].2.get() }
        #expect(try entries[2].2.get().count == 76)
    }

    /// A missing input is one failed entry; a damaged shard ends with one, after the samples
    /// before the damage.
    @Test func missingAndDamagedInputsFailAndTheRunGoesOn() throws {
        let folder = try TemporaryDirectory()
        var shard = try readBytes(TarReaderTests.folder + "/webdataset.tar")
        shard.removeLast(shard.count - 4700)
        try writeBytes(shard, to: folder.file("cut.tar"))
        try writeBytes([1], to: folder.file("x.png"))
        let entries = Self.entries([.shard(folder.file("missing.tar")), .shard(folder.file("cut.tar")), .image(folder.file("x.png"))])
        #expect(entries.map(\.1) == [folder.file("missing.tar"), "000000", "000001", folder.file("cut.tar"), folder.file("x.png")])
        #expect(entries.map(\.0) == [nil, 0, 1, nil, 2])
        #expect(throws: DatasetFailure.self) { try entries[0].2.get() }
        #expect(throws: DatasetFailure.self) { try entries[3].2.get() }
    }

    @Test func argumentsAreClassifiedByWhatTheyName() throws {
        let folder = try TemporaryDirectory()
        #expect(DatasetInput(argument: folder.path) == .folder(folder.path))
        #expect(DatasetInput(argument: "-") == .list("-"))
        #expect(DatasetInput(argument: "shard-0001.TAR") == .shard("shard-0001.TAR"))
        #expect(DatasetInput(argument: "train.txt") == .list("train.txt"))
        #expect(DatasetInput(argument: "images.list") == .list("images.list"))
        #expect(DatasetInput(argument: "photo.jpg") == .image("photo.jpg"))
        #expect(DatasetInput(argument: "archive.tar.gz") == .image("archive.tar.gz"))
    }

    @Test func webdatasetKeysSplitAtTheFirstDotOfTheName() {
        #expect(WebDatasetKey.split("a.b/c.d.jpg")! == ("a.b/c", "d.jpg"))
        #expect(WebDatasetKey.split("x/.hidden.png") == nil)
        #expect(WebDatasetKey.split("README") == nil)
        #expect(WebDatasetKey.isImage(extension: "seg.PNG"))
        #expect(WebDatasetKey.isImage(extension: "gif") && WebDatasetKey.isImage(extension: "bmp"))
        #expect(!WebDatasetKey.isImage(extension: "png.json"))
    }

    /// The count of records is that of the shard's samples plus a folder's images plus a
    /// list's lines, without reading them; unknown when a list is standard input or a pipe.
    @Test func theRecordCountListsWithoutReading() throws {
        let shard = TarReaderTests.folder + "/webdataset.tar"
        let document = try JSONDocument.parse(try readBytes(TarReaderTests.folder + "/expected.json"))
        let samples = try #require(document.object?["webdataset.tar samples"]?.array).count
        let folder = try TemporaryDirectory()
        for name in ["a.png", "b/c.jpg", "d.txt"] {
            try FileManager.default.createDirectory(atPath: (folder.file(name) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try writeBytes([], to: folder.file(name))
        }
        try writeBytes(Array("x.png\ny.png\n\nz.png\n".utf8), to: folder.file("list.txt"))
        #expect(DatasetReader.recordCount(of: [.shard(shard), .folder(folder.path), .list(folder.file("list.txt"))])
            == samples + 2 + 3)
        #expect(DatasetReader.recordCount(of: [.folder(folder.path), .list("-")]) == nil)
        #expect(mkfifo(folder.file("pipe.txt"), 0o600) == 0)
        #expect(DatasetReader.recordCount(of: [.list(folder.file("pipe.txt"))]) == nil)
    }
}
