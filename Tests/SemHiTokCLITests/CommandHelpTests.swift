import Foundation
import Testing
@testable import SemHiTokCLI

/// Each command's usage line and options help, derived from the declarations of its options
/// and positional arguments: every option listed once with its help, in aligned columns.
struct CommandHelpTests {
    /// The options each command takes, as the hand-written help listed them before it was
    /// derived from the declarations.
    static let synopses: [String: [String]] = [
        "encode": ["-o OUT", "--model FILE", "--size N", "--batch N", "--overwrite", "--strict", "--shard I/N", "--shard-count N", "--quiet", "--verbose"],
        "decode": ["-o DIR", "--model FILE", "--batch N"],
        "cat": ["-o OUT", "--duplicates error|first|all"],
        "features": ["--stage siglip|semantic", "-o OUT.npy", "--model FILE", "--batch N"],
        "image": ["-o OUT", "--size N"],
        "init": ["--config NAME", "--seed N", "-o FILE"],
        "eval": ["--json", "--model FILE", "--batch N"],
        "show": ["-o SHEET.png", "--model FILE", "--batch N"],
        "convert": ["--siglip DIR", "--head FILE", "--siglip-layers N", "--dtype f32|f16|bf16", "--name NAME", "-o OUT.shw"],
        "inspect": ["--no-verify", "--records"],
        "conformance": ["--verbose"],
    ]

    /// One option of a help's options section, read back from the printed lines.
    struct PrintedOption {
        var synopsis: String
        /// Where the help text starts on the option's line.
        var column: Int
        var lines: [String]
        /// The help, its lines joined.
        var help: String
    }

    /// The options section of `semhitok COMMAND --help`: an option's line starts with "  -",
    /// its synopsis ends at a gap of three spaces or more, and its help goes on in the
    /// indented lines after it.
    private func printedOptions(_ command: String) throws -> [PrintedOption] {
        let result = run(command, "--help")
        #expect(result.status == 0)
        let start = try #require(result.output.firstIndex(of: "options:"))
        var options: [PrintedOption] = []
        for line in result.output[(start + 1)...] {
            if line.hasPrefix("  -") {
                let gap = try #require(line.range(of: "   "))
                let text = try #require(line[gap.lowerBound...].firstIndex { $0 != " " })
                options.append(PrintedOption(synopsis: String(line[line.index(line.startIndex, offsetBy: 2)..<gap.lowerBound]),
                                             column: line.distance(from: line.startIndex, to: text), lines: [line],
                                             help: String(line[text...])))
            } else {
                #expect(line.hasPrefix("   "), "'\(line)' is neither an option nor the rest of one's help")
                options[options.count - 1].lines.append(line)
                options[options.count - 1].help += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        return options
    }

    @Test func everyCommandIsChecked() {
        #expect(Set(SemHiTokCommandLine.commands.map(\.name)) == Set(Self.synopses.keys))
    }

    /// Every declared option appears once, with the whole of its help, and nothing else does.
    @Test(arguments: SemHiTokCommandLine.commands.map(\.name))
    func helpListsEveryOptionOnceWithItsHelp(command: String) throws {
        let spec = try #require(SemHiTokCommandLine.commands.first { $0.name == command })
        let printed = try printedOptions(command)
        #expect(printed.map(\.synopsis) == Self.synopses[command])
        #expect(printed.count == spec.options.count)
        for declaration in spec.options {
            let matching = printed.filter { $0.synopsis == declaration.synopsis }
            #expect(matching.count == 1, "\(declaration.name)")
            #expect(matching.first?.help.hasPrefix(declaration.help) == true, "\(declaration.name)")
        }
    }

    /// The help texts start in one column, three spaces after the longest synopsis; the lines
    /// they wrap to start in the same column; no line is wider than 80 characters.
    @Test(arguments: SemHiTokCommandLine.commands.map(\.name))
    func optionsHelpIsAlignedAndWrapped(command: String) throws {
        let printed = try printedOptions(command)
        let longest = try #require(Self.synopses[command]?.map(\.count).max())
        for option in printed {
            #expect(option.column == 2 + longest + 3, "\(option.synopsis)")
            for line in option.lines.dropFirst() {
                #expect(line.prefix { $0 == " " }.count == option.column, "'\(line)'")
            }
            #expect(option.lines.allSatisfy { $0.count <= 80 }, "\(option.synopsis)")
        }
    }

    /// `--model` and `--batch` are declared once: the three commands that take them print the
    /// same help, which notes the default (and for --batch the range) the commands use.
    @Test func sharedOptionsHaveTheSameHelpEverywhere() throws {
        var helps: [String: Set<String>] = [:]
        for command in ["encode", "decode", "features"] {
            for option in try printedOptions(command) where ["--model FILE", "--batch N"].contains(option.synopsis) {
                helps[option.synopsis, default: []].insert(option.help)
            }
        }
        #expect(helps["--model FILE"] == ["the weight container (default: the embedded demo model)"])
        #expect(helps["--batch N"]?.count == 1)
        #expect(helps["--batch N"]?.first?.hasSuffix("(1 to 4096; default: 8)") == true)
    }

    /// An integer option's help notes its range.
    @Test func integerOptionsNoteTheirRange() throws {
        for command in ["encode", "image"] {
            let size = try #require(try printedOptions(command).first { $0.synopsis == "--size N" })
            #expect(size.help.hasSuffix("(1 to 8192)"))
        }
        let seed = try #require(try printedOptions("init").first { $0.synopsis == "--seed N" })
        // 2^63 - 1, which the hand-written help gave as the largest seed.
        #expect(seed.help.hasSuffix("(0 to 9223372036854775807)"))
    }

    /// The usage lines are those the help showed when they were written by hand: positionals
    /// first, then the options in order, required ones (`-o OUT`) bare and the others in
    /// brackets.
    @Test func usageLinesAreDerivedFromTheDeclarations() {
        let usages = Dictionary(uniqueKeysWithValues: SemHiTokCommandLine.commands.map { ($0.name, $0.usage) })
        #expect(usages == [
            "encode": "semhitok encode INPUT... -o OUT [--model FILE] [--size N] [--batch N] [--overwrite] [--strict] [--shard I/N] [--shard-count N] [--quiet] [--verbose]",
            "decode": "semhitok decode TOKENS -o DIR [--model FILE] [--batch N]",
            "cat": "semhitok cat FILE... -o OUT [--duplicates error|first|all]",
            "features": "semhitok features IMAGE... --stage siglip|semantic -o OUT.npy [--model FILE] [--batch N]",
            "image": "semhitok image IN -o OUT [--size N]",
            "init": "semhitok init --config NAME --seed N -o FILE",
            "eval": "semhitok eval IMAGE... [--json] [--model FILE] [--batch N]",
            "show": "semhitok show IMAGE... -o SHEET.png [--model FILE] [--batch N]",
            "convert": "semhitok convert --siglip DIR [--head FILE] [--siglip-layers N] [--dtype f32|f16|bf16] [--name NAME] -o OUT.shw",
            "inspect": "semhitok inspect FILE... [--no-verify] [--records]",
            "conformance": "semhitok conformance DIR [--verbose]",
        ])
        for spec in SemHiTokCommandLine.commands {
            #expect(run(spec.name, "--help").output.first == "usage: " + spec.usage)
        }
    }

    /// How a count of positional arguments shows in the usage: bare when one is needed,
    /// `...` when more are allowed, in brackets when none is needed, absent when none is taken.
    @Test func positionalArgumentsShowTheirCount() {
        #expect(PositionalArguments("FILE").usage == "FILE")
        #expect(PositionalArguments("IMAGE", count: 1...Int.max).usage == "IMAGE...")
        #expect(PositionalArguments("NAME", count: 0...1).usage == "[NAME]")
        #expect(PositionalArguments("PATH", count: 0...Int.max).usage == "[PATH...]")
        #expect(PositionalArguments.none.usage == nil)
    }

    /// Words are kept whole and in order; a word longer than the width has its own line.
    @Test func wrappingKeepsWordsWhole() {
        #expect(OptionsHelp.wrap("a bb ccc dddd", width: 6) == ["a bb", "ccc", "dddd"])
        #expect(OptionsHelp.wrap("abcdefgh ij k", width: 4) == ["abcdefgh", "ij k"])
        #expect(OptionsHelp.wrap("one", width: 80) == ["one"])
    }
}
