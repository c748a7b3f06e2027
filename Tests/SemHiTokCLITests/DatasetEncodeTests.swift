import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok encode` on folders, lists and webdataset shards (Spec/datasets.md), on the
/// inputs of the golden `tiny` cases, whose tokens the PyTorch reference computed; and what
/// it does with images it cannot read.
struct DatasetEncodeTests {
    static let model = RepositoryPaths.golden("model")
    static let cases = ["tiny_coffee_80x60", "tiny_gravel_64x64", "tiny_retina_100x75"]

    /// Each case's input as a PPM file, and its expected tokens.
    static func inputs() throws -> [(ppm: [UInt8], tokens: [UInt32])] {
        try cases.map { name in
            let golden = try WeightFile(contentsOf: model + "/" + name + ".shw")
            let (pixels, shape) = try golden.uint8s("input")
            return (PPMEncoder.encode(RGBImage(width: shape[1], height: shape[0], pixels: pixels)),
                    try golden.int32s("expected.tokens").values.map { UInt32($0) })
        }
    }

    static func records(_ path: String) throws -> [(key: String, tokens: [UInt32])] {
        let file = try TokenFile(contentsOf: path)
        return try (0..<file.recordCount).map { let record = try file.record(at: $0); return (record.key, record.tokens) }
    }

    /// A folder, a list and a shard in one run: records in input order, keyed relative to the
    /// folder, by the list's lines and by the samples' keys, with the reference's tokens.
    @Test func foldersListsAndShardsGiveKeyedRecords() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.inputs()
        try FileManager.default.createDirectory(atPath: folder.file("images/sub"), withIntermediateDirectories: true)
        try writeBytes(inputs[1].ppm, to: folder.file("images/sub/b.ppm"))
        try writeBytes(inputs[0].ppm, to: folder.file("images/a.ppm"))
        try writeBytes(Array("notes".utf8), to: folder.file("images/notes.txt"))
        try writeBytes(inputs[2].ppm, to: folder.file("c.ppm"))
        try writeBytes(Array("c.ppm\n".utf8), to: folder.file("list.txt"))
        try writeBytes(tarArchive([("s1.ppm", inputs[2].ppm), ("s1.json", Array("{}".utf8)), ("s2.ppm", inputs[0].ppm)]),
                       to: folder.file("shard.tar"))
        let result = run("encode", folder.file("images"), folder.file("list.txt"), folder.file("shard.tar"),
                         "--model", Self.model + "/tiny.shw", "--batch", "2", "-o", folder.file("out.sht"))
        #expect(result.status == 0)
        let records = try Self.records(folder.file("out.sht"))
        #expect(records.map(\.key) == ["a.ppm", "sub/b.ppm", "c.ppm", "s1", "s2"])
        #expect(records.map(\.tokens) == [inputs[0].tokens, inputs[1].tokens, inputs[2].tokens, inputs[2].tokens, inputs[0].tokens])
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.sht.failures.jsonl")))
    }

    /// N shards, interleaved by ordinal, give exactly the records of one run over the whole
    /// dataset, for several N.
    @Test(arguments: [2, 3, 7])
    func shardsTogetherAreTheWholeRun(count: Int) throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.inputs()
        try FileManager.default.createDirectory(atPath: folder.file("images"), withIntermediateDirectories: true)
        for index in 0..<6 { try writeBytes(inputs[index % 3].ppm, to: folder.file("images/\(index).ppm")) }
        let model = Self.model + "/tiny.shw"
        #expect(run("encode", folder.file("images"), "--model", model, "-o", folder.file("all.sht")).status == 0)
        var shards: [[(key: String, tokens: [UInt32])]] = []
        for index in 0..<count {
            let output = folder.file("part\(index).sht")
            let result = run("encode", folder.file("images"), "--shard", "\(index)/\(count)", "--model", model, "-o", output)
            #expect(result.status == 0)
            shards.append(try Self.records(output))
        }
        let interleaved = (0..<6).map { shards[$0 % count][$0 / count] }
        let whole = try Self.records(folder.file("all.sht"))
        #expect(interleaved.map(\.key) == whole.map(\.key))
        #expect(interleaved.map(\.tokens) == whole.map(\.tokens))
    }

    /// The commands of `examples/` as a job array runs them: the shard comes from Slurm's or
    /// an Indexed Job's variables, and equals the one `--shard` names.
    @Test(.enabled(if: semhitokExecutable != nil, "needs the semhitok executable built beside the tests"),
          arguments: [(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"], [String]()),
                      (["JOB_COMPLETION_INDEX": "2"], ["--shard-count", "3"])])
    func jobArraysTakeTheShardFromTheEnvironment(environment: [String: String], extra: [String]) throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.inputs()
        try FileManager.default.createDirectory(atPath: folder.file("images"), withIntermediateDirectories: true)
        for index in 0..<6 { try writeBytes(inputs[index % 3].ppm, to: folder.file("images/\(index).ppm")) }
        let model = Self.model + "/tiny.shw"
        #expect(run("encode", folder.file("images"), "--shard", "2/3", "--model", model, "-o", folder.file("flag.sht")).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: semhitokExecutable!)
        process.arguments = ["encode", folder.file("images"), "--model", model, "-o", folder.file("env.sht")] + extra
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" }
            .merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Self.records(folder.file("env.sht")).map(\.key) == ["2.ppm", "5.ppm"])
        #expect(try readBytes(folder.file("env.sht")) == readBytes(folder.file("flag.sht")))
    }

    @Test func aBadShardIsAUsageError() {
        let result = run("encode", "x.png", "--shard", "3/3", "-o", "x.sht")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok encode: --shard must be I/N with 0 <= I < N, got '3/3'")
    }

    /// Unreadable images are skipped and logged with their keys, ordinals and reasons; the
    /// others are encoded, and the exit status is 1.
    @Test func badImagesAreLoggedAndSkipped() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.inputs()
        try writeBytes(inputs[0].ppm, to: folder.file("good.ppm"))
        try writeBytes(Array("P6\n4 4\n255\n".utf8), to: folder.file("short.ppm"))
        let result = run("encode", folder.file("short.ppm"), folder.file("good.ppm"), folder.file("missing.png"),
                         folder.file("missing.tar"), "--model", Self.model + "/tiny.shw", "-o", folder.file("out.sht"))
        #expect(result.status == 1)
        #expect(result.errors.last == "semhitok encode: error: 3 images could not be read and were skipped: see \(folder.file("out.sht.failures.jsonl"))")
        #expect(try Self.records(folder.file("out.sht")).map(\.key) == [folder.file("good.ppm")])
        let lines = String(decoding: try readBytes(folder.file("out.sht.failures.jsonl")), as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try #require(JSONDocument.parse(Array($0.utf8)).object) }
        #expect(objects.map { $0["key"]?.string } == [folder.file("short.ppm"), folder.file("missing.png"), folder.file("missing.tar")])
        #expect(objects.map { $0["ordinal"]?.number?.int64 } == [0, 2, nil])
        #expect(objects.allSatisfy { !($0["reason"]?.string ?? "").isEmpty })
    }

    /// `--strict` stops at the first unreadable image, naming it; with no record written
    /// before it, nothing is left behind.
    @Test func strictStopsAtTheFirstBadImage() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(try Self.inputs()[0].ppm, to: folder.file("good.ppm"))
        let result = run("encode", folder.file("missing.png"), folder.file("good.ppm"), "--strict",
                         "--model", Self.model + "/tiny.shw", "-o", folder.file("out.sht"))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok encode: error: \(folder.file("missing.png")): cannot open: No such file or directory"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["good.ppm"])
    }

    /// A run without failures removes the failure log an earlier run of the same output left.
    @Test func aCleanRunRemovesAnOldFailureLog() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(try Self.inputs()[0].ppm, to: folder.file("good.ppm"))
        #expect(run("encode", folder.file("good.ppm"), folder.file("missing.png"), "--model", Self.model + "/tiny.shw",
                    "-o", folder.file("out.sht")).status == 1)
        #expect(FileManager.default.fileExists(atPath: folder.file("out.sht.failures.jsonl")))
        #expect(run("encode", folder.file("good.ppm"), "--model", Self.model + "/tiny.shw", "-o", folder.file("out.sht")).status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.sht.failures.jsonl")))
    }
}
