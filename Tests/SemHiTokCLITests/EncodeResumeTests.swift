import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// An `encode` run that stops early leaves a valid token file holding every record it held
/// before and each new record written before it stopped, and says which; run again, the
/// same command continues it to exactly the file an uninterrupted run writes (Spec/tokens.md
/// section 4, Spec/datasets.md section 7): for a bad image, a full disk, SIGTERM and SIGKILL
/// at any moment. Every run uses the golden `tiny` model, whose quick runs the kill times
/// are chosen for.
struct EncodeResumeTests {
    static let model = RepositoryPaths.golden("model/tiny.shw")

    /// Six small random images written as PPM, and a token file holding the first two.
    private struct Fixture {
        let folder: TemporaryDirectory
        let images: [String]
        let tokens: String
        let bytesBefore: [UInt8]

        init() throws {
            let folder = try TemporaryDirectory()
            var generator = SplitMix64(seed: 17)
            self.folder = folder
            images = try (0..<6).map { index in
                let path = folder.file("image\(index).ppm")
                let pixels = (0..<(24 * 20 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                try writeBytes(PPMEncoder.encode(RGBImage(width: 24, height: 20, pixels: pixels)), to: path)
                return path
            }
            tokens = folder.file("out.sht")
            #expect(run("encode", images[0], images[1], "--model", EncodeResumeTests.model, "-o", tokens).status == 0)
            bytesBefore = try readBytes(tokens)
        }

        /// The file is valid and indexed, starts with the two earlier records unchanged, and
        /// its other records are the first of `appended`, in order.
        func checkValid(appended: [String]) throws -> Int {
            let file = try TokenFile(contentsOf: tokens)
            #expect(file.hasIndex)
            #expect(file.tornTail == nil)
            try writeBytes(bytesBefore, to: folder.file("before.sht"))
            let before = try TokenFile(contentsOf: folder.file("before.sht"))
            #expect(try (0..<2).map { try file.record(at: $0) } == (0..<2).map { try before.record(at: $0) })
            let added = try (2..<file.recordCount).map { try file.record(at: $0).key }
            #expect(added == Array(appended.prefix(added.count)))
            return added.count
        }
    }

    /// With `--strict`, an unreadable image first: nothing is added, and the file keeps its
    /// very bytes.
    @Test func aBadFirstImageLeavesTheFileAsItWas() throws {
        let fixture = try Fixture()
        let bad = fixture.folder.file("empty.png")
        try writeBytes([], to: bad)
        let result = run("encode", bad, "--strict", "--model", Self.model, "-o", fixture.tokens)
        #expect(result.status == 1)
        #expect(try readBytes(fixture.tokens) == fixture.bytesBefore)
        #expect(result.errors.last == "\(fixture.tokens) is unchanged: its 2 records, indexed; run the same command again to continue")
    }

    /// With `--strict`, a good image, then a bad one, one at a time: the good record is kept,
    /// indexed, and named.
    @Test func aBadLaterImageKeepsTheRecordsBeforeIt() throws {
        let fixture = try Fixture()
        let bad = fixture.folder.file("short.ppm")
        try writeBytes(Array("P6\n4 4\n255\n".utf8) + [1, 2, 3], to: bad)
        let result = run("encode", fixture.images[2], bad, "--strict", "--model", Self.model, "-o", fixture.tokens)
        #expect(result.status == 1)
        #expect(try fixture.checkValid(appended: [fixture.images[2]]) == 1)
        #expect(result.errors.last == "\(fixture.tokens) holds its 2 earlier records and 1 new ('\(fixture.images[2])'), indexed; "
            + "run the same command again to continue")
    }

    private static let executable = semhitokExecutable
    private static let hasExecutable = executable != nil
    private static let canLimitFileSize = hasExecutable && FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")

    private static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A file-size limit (`prlimit --fsize`) that the second new record crosses: its
    /// partial write is cut off and the first new record is kept, indexed.
    @Test(.enabled(if: canLimitFileSize, "needs the semhitok executable built beside the tests, and prlimit"))
    func aFullDiskKeepsTheWholeRecordsBeforeIt() throws {
        let fixture = try Fixture()
        let limit = fixture.bytesBefore.count + 400
        let process = try Self.launch(["/usr/bin/prlimit", "--fsize=\(limit)", Self.executable!, "encode"]
            + Array(fixture.images[2...]) + ["--batch", "1", "--model", Self.model, "-o", fixture.tokens])
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(try fixture.checkValid(appended: Array(fixture.images[2...])) == 1)
        #expect(try readBytes(fixture.tokens).count <= limit)
    }

    /// SIGTERM at seeded random moments of a run adding four records: whenever it lands,
    /// the file is valid, indexed, and holds the earlier records and a prefix of the new.
    @Test(.enabled(if: hasExecutable, "needs the semhitok executable built beside the tests"))
    func sigtermAtAnyMomentLeavesAValidFile() throws {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<8 {
            let fixture = try Fixture()
            let process = try Self.launch([Self.executable!, "encode"] + Array(fixture.images[2...])
                + ["--batch", "1", "--model", Self.model, "-o", fixture.tokens])
            usleep(UInt32(generator.next() % 1_500_000))
            process.terminate()
            process.waitUntilExit()
            _ = try fixture.checkValid(appended: Array(fixture.images[2...]))
        }
    }

    /// SIGTERM or SIGKILL at seeded random moments of a new run, then the same command
    /// again: whatever the first run left (nothing, a partial file with or without its index,
    /// a torn record, the finished file), the second ends with the very bytes of an
    /// uninterrupted run, and no temporary or partial file beside them.
    @Test(.enabled(if: hasExecutable, "needs the semhitok executable built beside the tests"),
          arguments: [SIGTERM, SIGKILL])
    func aStoppedRunContinuesToTheUninterruptedFile(signal: Int32) throws {
        let fixture = try Fixture()
        let command = ["encode"] + fixture.images + ["--batch", "1", "--model", Self.model]
        #expect(run(command + ["-o", fixture.folder.file("reference.sht")]).status == 0)
        let reference = try readBytes(fixture.folder.file("reference.sht"))
        var generator = SplitMix64(seed: UInt64(signal))
        for attempt in 0..<6 {
            let output = fixture.folder.file("new\(attempt).sht")
            let process = try Self.launch([Self.executable!] + command + ["-o", output])
            usleep(UInt32(generator.next() % 1_500_000))
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            if FileManager.default.fileExists(atPath: output + ".partial") {
                let partial = try TokenFile(contentsOf: output + ".partial")
                let keys = try (0..<partial.recordCount).map { try partial.record(at: $0).key }
                #expect(keys == Array(fixture.images.prefix(keys.count)))
            }
            #expect(run(command + ["-o", output]).status == 0)
            #expect(try readBytes(output) == reference)
            let names = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path)
            #expect(!names.contains { $0.hasPrefix(".new") || $0.hasSuffix(".partial") }, "\(names)")
        }
    }
}
