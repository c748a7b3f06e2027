import Foundation
import Testing
@testable import SemHiTokCLI
import TestSupport

/// How a command line is parsed against a command's declarations: the typed values the
/// command reads, and the usage errors (status 2, the message, then the usage line).
struct OptionParsingTests {
    static let encodeUsage = "usage: semhitok encode INPUT... -o OUT [--model FILE] [--size N] [--batch N] [--overwrite] [--strict] [--shard I/N] [--shard-count N] [--quiet] [--verbose]"

    /// Options read as the type they are declared with; those not given as nil, or their default.
    @Test func optionsReadAsTheirDeclaredTypes() throws {
        let given = try EncodeCommand.spec.parse(["a.png", "-o", "t.sht", "--size", "100", "--batch", "3", "--overwrite",
                                                  "--model", "m.shw", "b.png"])
        #expect(given.positionals == ["a.png", "b.png"])
        #expect(given[EncodeCommand.Options.output] == "t.sht")
        #expect(given[EncodeCommand.Options.size] == 100)
        #expect(given[SharedOptions.batch] == 3)
        #expect(given[SharedOptions.model] == "m.shw")
        #expect(given[EncodeCommand.Options.overwrite])

        let omitted = try EncodeCommand.spec.parse(["a.png", "-o", "t.sht"])
        #expect(omitted[EncodeCommand.Options.size] == nil)
        #expect(omitted[SharedOptions.batch] == 8)
        #expect(omitted[SharedOptions.model] == nil)
        #expect(!omitted[EncodeCommand.Options.overwrite])
    }

    /// `--size=20` and `--size 20` are the same; `=` splits once, so a value may contain one.
    @Test func aValueFollowsTheOptionOrAnEqualsSign() throws {
        let joined = try ImageCommand.spec.parse(["in.png", "--size=20", "-o=a=b.png"])
        let separate = try ImageCommand.spec.parse(["in.png", "--size", "20", "-o", "a=b.png"])
        for parsed in [joined, separate] {
            #expect(parsed[ImageCommand.Options.size] == 20)
            #expect(parsed[ImageCommand.Options.output] == "a=b.png")
            #expect(parsed.positionals == ["in.png"])
        }
    }

    /// After `--` everything is a positional argument, even what looks like an option.
    @Test func doubleDashEndsTheOptions() throws {
        let parsed = try EncodeCommand.spec.parse(["-o", "t.sht", "--", "--overwrite", "-x.png"])
        #expect(parsed.positionals == ["--overwrite", "-x.png"])
        #expect(!parsed[EncodeCommand.Options.overwrite])
        let result = run("inspect", "--", "--no-verify")
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok inspect: error: --no-verify: cannot open: No such file or directory"])
    }

    /// An integer outside its declared range is a usage error that names the range, found
    /// before the command does anything: the image is not read and no output is written.
    @Test func anIntegerOutOfRangeIsAUsageErrorNamingTheRange() throws {
        let folder = try TemporaryDirectory()
        let result = run("encode", folder.file("missing.ppm"), "-o", folder.file("out.sht"), "--batch", "0")
        #expect(result.status == 2)
        #expect(result.errors == ["semhitok encode: --batch must be an integer from 1 to 4096, got '0'", Self.encodeUsage])
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.sht")))

        #expect(run("image", "in.png", "-o", "out.png", "--size=8193").errors
            == ["semhitok image: --size must be an integer from 1 to 8192, got '8193'", "usage: semhitok image IN -o OUT [--size N]"])
        let seed = run("init", "--config", "tiny", "--seed", "-1", "-o", folder.file("m.shw"))
        #expect(seed.status == 2)
        #expect(seed.errors.first == "semhitok init: --seed must be an integer from 0 to 9223372036854775807, got '-1'")
        #expect(run("encode", "a.png", "-o", "t.sht", "--batch", "two").errors.first
            == "semhitok encode: --batch must be an integer from 1 to 4096, got 'two'")
    }

    /// The largest and smallest values of a range are allowed.
    @Test func theEndsOfARangeAreAllowed() throws {
        #expect(try EncodeCommand.spec.parse(["a.png", "-o", "t.sht", "--batch", "1"])[SharedOptions.batch] == 1)
        #expect(try EncodeCommand.spec.parse(["a.png", "-o", "t.sht", "--batch", "4096"])[SharedOptions.batch] == 4096)
    }

    @Test func aFlagGivenAValueIsRefused() {
        let result = run("encode", "a.png", "-o", "t.sht", "--overwrite=yes")
        #expect(result.status == 2)
        #expect(result.errors == ["semhitok encode: --overwrite takes no value", Self.encodeUsage])
    }

    @Test func anOptionWithoutItsValueIsRefused() {
        let result = run("decode", "t.sht", "-o")
        #expect(result.status == 2)
        #expect(result.errors == ["semhitok decode: -o needs a value", "usage: semhitok decode TOKENS -o DIR [--model FILE] [--batch N]"])
    }

    @Test func anOptionGivenTwiceIsRefused() {
        let result = run("image", "in.png", "-o", "a.png", "-o", "b.png")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok image: -o given twice")
    }

    @Test func aMissingRequiredOptionIsRefused() {
        let result = run("init", "--config", "tiny", "--seed", "0")
        #expect(result.status == 2)
        #expect(result.errors == ["semhitok init: -o is required", "usage: semhitok init --config NAME --seed N -o FILE"])
    }

    /// A command knows only the options it declares, even those another command takes.
    @Test func anotherCommandsOptionIsUnknown() {
        let result = run("image", "in.png", "-o", "a.png", "--batch", "2")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok image: unknown option --batch")
    }

    @Test func aChoiceNamesTheValuesAllowed() throws {
        #expect(try OptionValue.choice(["siglip", "semantic"]).read("semantic", "--stage") == "semantic")
        let error = #expect(throws: UsageError.self) { try OptionValue.choice(["a", "b", "c"]).read("d", "--x") }
        #expect(error?.message == "--x must be a, b or c, got 'd'")
    }

    /// The number of positional arguments is checked against the declared count.
    @Test func thePositionalCountIsChecked() {
        #expect(run("encode", "-o", "t.sht").errors.first == "semhitok encode: expected at least 1 argument, got 0")
        #expect(run("decode", "a.sht", "b.sht", "-o", "out").errors.first == "semhitok decode: expected 1 argument, got 2")
        #expect(run("init", "extra", "--config", "tiny", "--seed", "0", "-o", "m.shw").errors.first
            == "semhitok init: expected 0 arguments, got 1")
    }
}
