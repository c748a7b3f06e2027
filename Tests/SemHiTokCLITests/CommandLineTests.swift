import Foundation
import Testing
import SemHiTok
@testable import SemHiTokCLI
import TestSupport

/// The `semhitok` command line, run in-process: help, usage errors (status 2), runtime
/// errors (status 1, one line naming the file), `inspect` and `conformance`.
struct CommandLineTests {
    // MARK: - Help and usage

    @Test func helpListsEveryCommand() {
        for flag in ["--help", "-h", "help"] {
            let result = run(flag)
            #expect(result.status == 0)
            #expect(result.text.contains("usage: semhitok <command>"))
            #expect(result.text.contains("inspect") && result.text.contains("conformance"))
        }
    }

    @Test func commandHelpShowsItsUsage() {
        for arguments in [["inspect", "--help"], ["help", "inspect"], ["conformance", "-h"]] {
            let result = SemHiTokCommandLine.run(arguments, console: Console(printOutput: { _ in }, printError: { _ in }))
            #expect(result == 0)
        }
        #expect(run("inspect", "--help").text.hasPrefix("usage: semhitok inspect FILE"))
    }

    @Test func noArgumentsIsAUsageError() {
        let result = run()
        #expect(result.status == 2)
        #expect(result.errors.joined().contains("usage: semhitok <command>"))
    }

    @Test func unknownCommandIsAUsageError() {
        let result = run("tokenise", "x.png")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok: unknown command 'tokenise'")
    }

    @Test func unknownOptionPrintsTheUsage() {
        let result = run("inspect", "--frobnicate", "file.shw")
        #expect(result.status == 2)
        #expect(result.errors == ["semhitok inspect: unknown option --frobnicate",
                                  "usage: semhitok inspect FILE... [--no-verify] [--records]"])
    }

    @Test func wrongArgumentCountIsAUsageError() {
        #expect(run("inspect").status == 2)
        #expect(run("conformance", "a", "b").status == 2)
        #expect(run("inspect", "--records=yes", "f").errors.first == "semhitok inspect: --records takes no value")
    }

    @Test func runtimeErrorIsOneLineNamingTheFile() throws {
        let folder = try TemporaryDirectory()
        let result = run("inspect", folder.file("missing.shw"))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok inspect: error: \(folder.file("missing.shw")): cannot open: No such file or directory"])
        try writeBytes(Array("hello, world".utf8), to: folder.file("text.shw"))
        #expect(run("inspect", folder.file("text.shw")).errors
            == ["semhitok inspect: error: \(folder.file("text.shw")): neither a weight container nor a token file (unknown magic)"])
    }

    // MARK: - inspect

    @Test func inspectShowsAWeightContainer() throws {
        let path = RepositoryPaths.golden("formats/example.shw")
        let result = run("inspect", path)
        #expect(result.status == 0)
        #expect(result.output.first == "\(path): SemHiTok weight container, format version 1")
        #expect(result.output.contains("  example.text = \"SemHiTok \u{2713}\""))
        #expect(result.output.contains("  example.reals = [0.25, -1.5]"))
        // 6 f32 + 4 f16 + 4 bf16 + 3 i32 + 5 u8 + 1 f32 scalar: 24 + 8 + 8 + 12 + 5 + 4 bytes.
        #expect(result.output.contains("tensors: 7, 61 bytes"))
        let tensorLine = try #require(result.output.first { $0.hasPrefix("  a.f32") })
        #expect(tensorLine.contains("f32") && tensorLine.contains("[2, 3]") && tensorLine.contains("24 bytes"))
        #expect(tensorLine.hasSuffix(" ok"))
        let fingerprint = Hexadecimal.digits(try WeightFile(contentsOf: path).fingerprint)
        #expect(result.output.contains("fingerprint: \(fingerprint)"))
    }

    @Test func inspectReportsACorruptTensorAndFails() throws {
        let folder = try TemporaryDirectory()
        var bytes = try readBytes(RepositoryPaths.golden("formats/example.shw"))
        let file = try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw"))
        bytes[try file.tensor("d.i32").offset] ^= 0xFF
        try writeBytes(bytes, to: folder.file("corrupt.shw"))
        let result = run("inspect", folder.file("corrupt.shw"))
        #expect(result.status == 1)
        #expect(result.output.first { $0.hasPrefix("  d.i32") }?.hasSuffix("MISMATCH") == true)
        #expect(result.output.first { $0.hasPrefix("  a.f32") }?.hasSuffix(" ok") == true)
        #expect(result.errors == ["semhitok inspect: error: \(folder.file("corrupt.shw")): tensor 'd.i32': checksum mismatch (the data is corrupt)"])
        let unchecked = run("inspect", "--no-verify", folder.file("corrupt.shw"))
        #expect(unchecked.status == 0)
        #expect(unchecked.output.first { $0.hasPrefix("  d.i32") }?.hasSuffix("not checked") == true)
    }

    @Test func inspectShowsATokenFile() throws {
        let path = RepositoryPaths.golden("formats/example.sht")
        let result = run("inspect", "--records", path)
        #expect(result.status == 0)
        let fingerprint = Hexadecimal.digits(try WeightFile(contentsOf: RepositoryPaths.golden("formats/example.shw")).fingerprint)
        #expect(result.output == [
            "\(path): SemHiTok token file, format version 1",
            "model fingerprint: \(fingerprint)",
            "K 24576, m 8, vocabulary 196608, grid 16 x 16",
            "records: 3 (indexed)",
            "grids: 2 x 3 (1), 1 x 1 (1), 3 x 2 (1)",
            "token ids: 0 to 196607",
            // Keys padded to the longest, counted in characters.
            "  0  'first.png'  2 x 3",
            "  1  ''           1 x 1",
            "  2  '\u{65E5}\u{672C}.jpg'     3 x 2",
        ])
    }

    @Test func inspectReportsATornTailAndFails() {
        let path = RepositoryPaths.golden("formats/example_torn.sht")
        let result = run("inspect", path)
        #expect(result.status == 1)
        #expect(result.output.contains("records: 3 (no index: found by scanning)"))
        #expect(result.errors == ["semhitok inspect: error: \(path): torn tail: 10 bytes at offset 200 (incomplete record: it needs 16 bytes, 10 remain)"])
    }

    // MARK: - conformance

    @Test func conformancePassesOnTheGoldenCases() throws {
        let directory = RepositoryPaths.golden("quantization")
        let cases = try ConformanceRunner.caseFiles(in: directory)
        #expect(cases.count > 10)
        let result = run("conformance", directory)
        #expect(result.status == 0)
        #expect(result.output == ["\(cases.count) passed, 0 failed"])
    }

    @Test func conformanceReportsEachFailureWithCaseAndPosition() throws {
        let folder = try TemporaryDirectory()
        let source = RepositoryPaths.golden("quantization")
        let name = try #require(try ConformanceRunner.caseFiles(in: source).first { $0.hasPrefix("semantic_cosine_ties") })
        try writeChangedCopy(of: source + "/" + name, to: folder.file("altered.shw"), tensor: "expected.indices") {
            $0.setLittleEndian($0.littleEndian(at: 4, as: Int32.self) + 1, at: 4)
        }
        try writeBytes(Array("not a case".utf8), to: folder.file("broken.shw"))

        let result = run("conformance", "--verbose", folder.path)
        #expect(result.status == 1)
        let got = try WeightFile(contentsOf: source + "/" + name).int32s("expected.indices").values[1]
        #expect(result.output == [
            "FAIL altered.shw: expected.indices[1]: expected \(got + 1), got \(got)",
            "FAIL broken.shw: \(folder.file("broken.shw")): truncated preamble: the file is 10 bytes, a weight container starts with 32",
            "0 passed, 2 failed",
        ])
    }

    @Test func conformanceOfAMissingFolderFails() throws {
        let folder = try TemporaryDirectory()
        let result = run("conformance", folder.file("nowhere"))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok conformance: error: \(folder.file("nowhere")): not a directory"])
    }
}
