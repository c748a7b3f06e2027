/// A command-line mistake: the command prints the usage and exits with status 2.
struct UsageError: Error {
    let message: String
}

/// A `semhitok` command: its name, its help, the options it takes, and what it does.
/// Arguments are parsed by hand (the package has no dependencies): flags (`--records`),
/// options with a value (`-o FILE`, `--size=N`), and positionals; `--` ends the options.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    let usage: String
    let details: String
    /// Options that take no value.
    let flags: Set<String>
    /// Options that take a value.
    let valueOptions: Set<String>
    /// How many positional arguments are allowed.
    let positionals: ClosedRange<Int>
    /// Runs the command; returns the exit status. Errors thrown are runtime errors (status 1),
    /// except `UsageError` (status 2).
    let run: @Sendable (ParsedArguments, Console) throws -> Int32

    /// The text `semhitok NAME --help` prints.
    var help: String {
        "usage: \(usage)\n\n\(summary)\n\n\(details)"
    }

    /// Splits `arguments` (after the command name) into positionals, flags and option values.
    func parse(_ arguments: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var remaining = arguments[...]
        var optionsEnded = false
        while let argument = remaining.popFirst() {
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let option = parts[0]
            if flags.contains(option) {
                guard parts.count == 1 else { throw UsageError(message: "\(option) takes no value") }
                parsed.flags.insert(option)
            } else if valueOptions.contains(option) {
                guard let value = parts.count == 2 ? parts[1] : remaining.popFirst() else {
                    throw UsageError(message: "\(option) needs a value")
                }
                guard parsed.values[option] == nil else { throw UsageError(message: "\(option) given twice") }
                parsed.values[option] = value
            } else {
                throw UsageError(message: "unknown option \(option)")
            }
        }
        guard positionals.contains(parsed.positionals.count) else {
            let expected = positionals.lowerBound == positionals.upperBound ? "\(positionals.lowerBound)"
                : positionals.upperBound == Int.max ? "at least \(positionals.lowerBound)"
                : "\(positionals.lowerBound) to \(positionals.upperBound)"
            let plural = positionals == 1...1 ? "" : "s"
            throw UsageError(message: "expected \(expected) argument\(plural), got \(parsed.positionals.count)")
        }
        return parsed
    }
}

/// A command line after parsing.
struct ParsedArguments {
    var positionals: [String] = []
    var flags: Set<String> = []
    var values: [String: String] = [:]
}
