import SemHiTok

/// The `semhitok` command line: dispatches to a command and turns its outcome into an exit
/// status (0 success, 1 runtime error, 2 usage error).
public enum SemHiTokCommandLine {
    /// Every command, in the order `semhitok --help` lists them.
    static let commands: [CommandSpec] = [
        EncodeCommand.spec, DecodeCommand.spec, CatCommand.spec, FeaturesCommand.spec, EvalCommand.spec, ShowCommand.spec, ImageCommand.spec,
        InitCommand.spec, ConvertCommand.spec, InspectCommand.spec, ConformanceCommand.spec,
    ]

    static var overview: String {
        let width = commands.map(\.name.count).max() ?? 0
        let list = commands.map { "  " + $0.name.padding(toLength: width + 3, withPad: " ", startingAt: 0) + $0.summary }
        return """
            semhitok: the SemHiTok unified image tokenizer, in pure Swift

            usage: semhitok <command> [arguments]
                   semhitok --help | --version

            commands:
            \(list.joined(separator: "\n"))

            'semhitok <command> --help' describes a command; 'semhitok --version' prints the
            version and the versions of the file formats it reads.
            """
    }

    /// The line `semhitok --version` prints: the package version, and the versions of the
    /// weight container and token file formats this build reads.
    static var version: String {
        "semhitok \(SemHiTokVersion.string) (weight container format \(WeightFile.formatVersion), "
            + "token file format \(TokenFileHeader.formatVersion))"
    }

    /// Runs the command line `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], console: Console = .standard) -> Int32 {
        guard let name = arguments.first else {
            console.printError(overview)
            return 2
        }
        if name == "--version" {
            console.printOutput(version)
            return 0
        }
        if name == "--help" || name == "-h" || name == "help" {
            if name == "help", arguments.count > 1 {
                guard let command = commands.first(where: { $0.name == arguments[1] }) else {
                    console.printError("semhitok: unknown command '\(arguments[1])'\n\n\(overview)")
                    return 2
                }
                console.printOutput(command.help)
            } else {
                console.printOutput(overview)
            }
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            console.printError("semhitok: unknown command '\(name)'\n\n\(overview)")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        let beforeSeparator = rest.prefix { $0 != "--" }
        if beforeSeparator.contains("--help") || beforeSeparator.contains("-h") {
            console.printOutput(command.help)
            return 0
        }
        do {
            return try command.run(try command.parse(rest), console)
        } catch let error as UsageError {
            console.printError("semhitok \(command.name): \(error.message)\nusage: \(command.usage)")
            return 2
        } catch {
            console.printError("semhitok \(command.name): error: \(error)")
            return 1
        }
    }
}
