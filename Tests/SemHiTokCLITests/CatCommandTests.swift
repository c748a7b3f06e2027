import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok cat` (Spec/datasets.md section 8): token files of one model merged into a
/// finished file of their records in order; another header, a repeated key, a torn tail, a
/// corrupt record, a file that is not a token file and an output among the inputs refused
/// before anything is written; and the parts of `encode --shard I/N`, run as N processes,
/// merged into exactly the records of one run.
struct CatCommandTests {
    /// The file the independent Python writer made from `FormatFixtures.exampleRecords`.
    static let example = RepositoryPaths.golden("formats/example.sht")

    /// The header of `example.sht`.
    static func header() throws -> TokenFileHeader {
        FormatFixtures.exampleTokenHeader(fingerprint: try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).fingerprint)
    }

    /// The example records with `prefix` before each key.
    static func renamed(_ prefix: String) -> [TokenRecord] {
        FormatFixtures.exampleRecords.map { TokenRecord(key: prefix + $0.key, gridHeight: $0.gridHeight, gridWidth: $0.gridWidth, tokens: $0.tokens) }
    }

    /// A file whose second record has the key of the example's third, with other tokens.
    static let repeating = [TokenRecord(key: "other.png", gridHeight: 1, gridWidth: 2, tokens: [3, 4]),
                            TokenRecord(key: "\u{65E5}\u{672C}.jpg", gridHeight: 1, gridWidth: 1, tokens: [5])]

    /// The files in `folder`, sorted: what a refused merge must leave as it was.
    static func contents(_ folder: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func recordsAreCopiedInOrderIntoTheFileAWriterMakesOfThem() throws {
        let folder = try TemporaryDirectory()
        let header = try Self.header()
        try writeTokenFile(Self.renamed("b/"), header: header, to: folder.file("b.sht"))
        let result = run("cat", Self.example, folder.file("b.sht"), "-o", folder.file("all.sht"))
        #expect(result.status == 0)
        #expect(result.output == ["\(folder.file("all.sht")): 6 records from 2 files"])
        let expected = FormatFixtures.exampleRecords + Self.renamed("b/")
        #expect(try tokenRecords(folder.file("all.sht")) == expected)
        try writeTokenFile(expected, header: header, to: folder.file("expected.sht"))
        #expect(try readBytes(folder.file("all.sht")) == readBytes(folder.file("expected.sht")))
    }

    /// One file merged alone, finished or not (an index is not needed, a torn tail is): the
    /// bytes of the Python writer's finished file.
    @Test(arguments: ["example.sht", "example_unfinished.sht"])
    func aWholeFileAloneBecomesTheFinishedFile(name: String) throws {
        let folder = try TemporaryDirectory()
        let result = run("cat", RepositoryPaths.golden("formats/" + name), "-o", folder.file("copy.sht"))
        #expect(result.output == ["\(folder.file("copy.sht")): 3 records from 1 file"])
        #expect(try readBytes(folder.file("copy.sht")) == readBytes(Self.example))
    }

    @Test(arguments: ["fingerprint", "K", "m", "grid"])
    func anotherHeaderIsRefusedBeforeWriting(field: String) throws {
        let folder = try TemporaryDirectory()
        let header = try Self.header()
        var other = header
        switch field {
        case "fingerprint": other.modelFingerprint = Array(0..<32)
        case "K": other.semanticCodebookSize += 1
        case "m": other.pixelCodebookSize += 1
        default: other.gridWidth = 8
        }
        try writeTokenFile(Self.renamed("b/"), header: other, to: folder.file("b.sht"))
        let result = run("cat", Self.example, folder.file("b.sht"), "-o", folder.file("all.sht"))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok cat: error: \(folder.file("b.sht")): its header (\(other)) differs from that of "
            + "\(Self.example) (\(header)): only token files of one model and grid can be merged"])
        #expect(try Self.contents(folder) == ["b.sht"])
    }

    /// A key twice, across files or within one, is refused by default, naming both records.
    @Test func aRepeatedKeyIsRefusedBeforeWriting() throws {
        let folder = try TemporaryDirectory()
        try writeTokenFile(Self.repeating, header: try Self.header(), to: folder.file("c.sht"))
        let across = run("cat", Self.example, folder.file("c.sht"), "-o", folder.file("all.sht"))
        #expect(across.status == 1)
        #expect(across.errors == ["semhitok cat: error: duplicate key '\u{65E5}\u{672C}.jpg': \(Self.example) record 2 and "
            + "\(folder.file("c.sht")) record 1 (--duplicates first keeps the first record of each key, "
            + "--duplicates all keeps every record)"])
        try writeTokenFile([Self.repeating[0], Self.repeating[0]], header: try Self.header(), to: folder.file("twice.sht"))
        let within = run("cat", folder.file("twice.sht"), "-o", folder.file("all.sht"))
        #expect(within.errors.first?.hasPrefix("semhitok cat: error: duplicate key 'other.png': \(folder.file("twice.sht")) record 0 "
            + "and \(folder.file("twice.sht")) record 1 ") == true)
        #expect(try Self.contents(folder) == ["c.sht", "twice.sht"])
    }

    /// Keys are compared as bytes: an accented letter precomposed and decomposed, which
    /// Swift's strings call equal, are two keys.
    @Test func keysAreTheSameOnlyWhenTheirBytesAre() throws {
        let folder = try TemporaryDirectory()
        let records = ["\u{E9}.png", "e\u{301}.png"].map { TokenRecord(key: $0, gridHeight: 1, gridWidth: 1, tokens: [1]) }
        try writeTokenFile(records, header: try Self.header(), to: folder.file("accents.sht"))
        let result = run("cat", folder.file("accents.sht"), "-o", folder.file("all.sht"))
        #expect(result.status == 0)
        #expect(try tokenRecords(folder.file("all.sht")).map { Array($0.key.utf8) } == records.map { Array($0.key.utf8) })
    }

    @Test func duplicatesFirstKeepsTheFirstRecordOfEachKey() throws {
        let folder = try TemporaryDirectory()
        try writeTokenFile(Self.repeating, header: try Self.header(), to: folder.file("c.sht"))
        let result = run("cat", Self.example, folder.file("c.sht"), "--duplicates", "first", "-o", folder.file("all.sht"))
        #expect(result.status == 0)
        #expect(result.output == ["\(folder.file("all.sht")): 4 records from 2 files, 1 duplicate skipped"])
        #expect(try tokenRecords(folder.file("all.sht")) == FormatFixtures.exampleRecords + [Self.repeating[0]])
    }

    @Test func duplicatesAllKeepsEveryRecord() throws {
        let folder = try TemporaryDirectory()
        try writeTokenFile(Self.repeating, header: try Self.header(), to: folder.file("c.sht"))
        let result = run("cat", Self.example, folder.file("c.sht"), "--duplicates=all", "-o", folder.file("all.sht"))
        #expect(result.status == 0)
        #expect(result.output == ["\(folder.file("all.sht")): 5 records from 2 files"])
        #expect(try tokenRecords(folder.file("all.sht")) == FormatFixtures.exampleRecords + Self.repeating)
    }

    /// A torn tail (an interrupted writer) and a corrupt record (a damaged indexed file) are
    /// refused with what is wrong and where, even when no record is to be kept from them.
    @Test func aDamagedInputIsRefusedBeforeWriting() throws {
        let folder = try TemporaryDirectory()
        let torn = RepositoryPaths.golden("formats/example_torn.sht")
        var bytes = try readBytes(Self.example)
        bytes[144 + 16 + 12] ^= 1  // the first token of record 2 (key 10 bytes + 2 of padding)
        try writeBytes(bytes, to: folder.file("corrupt.sht"))
        let hint = ": the file is damaged or its writer was interrupted; run the encode that wrote it again "
            + "(it continues where it stopped), or see what it holds with semhitok inspect "
        let tornResult = run("cat", torn, "-o", folder.file("all.sht"))
        #expect(tornResult.status == 1)
        #expect(tornResult.errors == ["semhitok cat: error: \(torn): torn tail: 10 bytes at offset 200 "
            + "(incomplete record: it needs 16 bytes, 10 remain)" + hint + torn])
        let corruptResult = run("cat", folder.file("corrupt.sht"), "--duplicates", "all", "-o", folder.file("all.sht"))
        #expect(corruptResult.errors == ["semhitok cat: error: \(folder.file("corrupt.sht")): record 2 at offset 144: "
            + "record checksum mismatch" + hint + folder.file("corrupt.sht")])
        #expect(try Self.contents(folder) == ["corrupt.sht"])
    }

    /// The output may not be an input, under its own name, through a symbolic link or as
    /// another path to it; the input is left as it was.
    @Test(arguments: ["input.sht", "link.sht", "sub/../input.sht"])
    func theOutputMayNotBeAnInput(output: String) throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.file("sub"), withIntermediateDirectories: true)
        try writeBytes(try readBytes(Self.example), to: folder.file("input.sht"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.sht"), withDestinationPath: "input.sht")
        let result = run("cat", folder.file("input.sht"), "-o", folder.file(output))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok cat: error: the output \(folder.file(output)) is the input "
            + "\(folder.file("input.sht")): write the merge to another file"])
        #expect(try readBytes(folder.file("input.sht")) == readBytes(Self.example))
        #expect(try Self.contents(folder) == ["input.sht", "link.sht", "sub"])
    }

    @Test func aFileThatIsNotATokenFileIsNamed() throws {
        let folder = try TemporaryDirectory()
        let weights = RepositoryPaths.golden("formats/example.shw")
        try writeBytes(Array(String(repeating: "hello, world\n", count: 8).utf8), to: folder.file("text.sht"))
        #expect(run("cat", Self.example, weights, "-o", folder.file("all.sht")).errors
            == ["semhitok cat: error: \(weights): a weight container, not a token file"])
        #expect(run("cat", folder.file("text.sht"), "-o", folder.file("all.sht")).errors
            == ["semhitok cat: error: \(folder.file("text.sht")): not a SemHiTok token file (bad magic)"])
        #expect(run("cat", folder.file("missing.sht"), "-o", folder.file("all.sht")).errors
            == ["semhitok cat: error: \(folder.file("missing.sht")): cannot open: No such file or directory"])
        #expect(try Self.contents(folder) == ["text.sht"])
    }

    @Test func aBadDuplicatesPolicyIsAUsageError() {
        let result = run("cat", Self.example, "--duplicates", "last", "-o", "all.sht")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok cat: --duplicates must be error, first or all, got 'last'")
    }

    /// The images of the sharded runs: PPM and PGM files of a few pixels, fewer than the 7
    /// shards of the last run, so that some of its parts are empty.
    static let shardedImages = ["pgm_max255.pgm", "pgm_max65535.pgm", "ppm_max15.ppm", "ppm_max200.ppm", "ppm_max1000.ppm"]

    /// N processes given `--shard I/N` for I = 0 ... N-1, without coordination, and their
    /// outputs merged: exactly the records (key, grid, tokens) of one run over the whole
    /// folder, grouped by shard, for several N.
    @Test(.enabled(if: semhitokExecutable != nil, "needs the semhitok executable built beside the tests"),
          arguments: [2, 3, 7])
    func shardsRunAsProcessesMergeIntoTheWholeRun(count: Int) throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.file("images"), withIntermediateDirectories: true)
        for name in Self.shardedImages {
            try FileManager.default.copyItem(atPath: RepositoryPaths.golden("images/ppm/" + name), toPath: folder.file("images/" + name))
        }
        let encode = ["encode", folder.file("images"), "--model", RepositoryPaths.golden("model/tiny.shw"), "--quiet"]
        #expect(run(encode + ["--shard", "0/1", "-o", folder.file("whole.sht")]).status == 0)
        let parts = (0..<count).map { folder.file("part-\($0).sht") }
        let processes = try parts.enumerated().map { index, part in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: semhitokExecutable!)
            process.arguments = encode + ["--shard", "\(index)/\(count)", "-o", part]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let result = run(["cat"] + parts + ["-o", folder.file("merged.sht")])
        #expect(result.output == ["\(folder.file("merged.sht")): \(Self.shardedImages.count) records from \(count) files"])
        let whole = try tokenRecords(folder.file("whole.sht"))
        let merged = try tokenRecords(folder.file("merged.sht"))
        #expect(whole.count == Self.shardedImages.count)
        #expect(merged.count == whole.count)
        #expect(merged.sorted { $0.key < $1.key } == whole.sorted { $0.key < $1.key })
        #expect(try merged == parts.flatMap(tokenRecords))
    }
}
