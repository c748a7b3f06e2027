/// A command-line mistake: the command prints the usage and exits with status 2.
struct UsageError: Error {
    let message: String
}

/// A `semhitok` command: its name, its prose help, the arguments and options it takes, and
/// what it does. The usage line, the options section of the help and the parsing are derived
/// from the declarations of the options and positional arguments, so that each is said once.
/// Arguments are parsed by hand (the package has no dependencies): flags (`--records`),
/// options with a value (`-o FILE`, `--size=N`), and positionals; `--` ends the options.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    /// What the command does, in prose; the help adds the options after it.
    let details: String
    let positionals: PositionalArguments
    /// In the order of the usage line and the help.
    let options: [OptionDeclaration]
    /// Runs the command; returns the exit status. Errors thrown are runtime errors (status 1),
    /// except `UsageError` (status 2).
    let run: @Sendable (ParsedArguments, Console) throws -> Int32

    init(name: String, summary: String, details: String, positionals: PositionalArguments, options: [any CommandOption],
         run: @escaping @Sendable (ParsedArguments, Console) throws -> Int32) {
        self.name = name
        self.summary = summary
        self.details = details
        self.positionals = positionals
        self.options = options.map(\.declaration)
        self.run = run
    }

    /// `semhitok NAME`, the positionals, then the options, those that may be left out in brackets.
    var usage: String {
        (["semhitok", name] + [positionals.usage].compactMap { $0 } + options.map(\.usage)).joined(separator: " ")
    }

    /// The text `semhitok NAME --help` prints.
    var help: String {
        let optionsSection = options.isEmpty ? "" : "\n\noptions:\n" + OptionsHelp.lines(for: options).joined(separator: "\n")
        return "usage: \(usage)\n\n\(summary)\n\n\(details)" + optionsSection
    }

    /// Splits `arguments` (after the command name) into positionals and options, and reads
    /// the value of every value option the command declares.
    func parse(_ arguments: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var texts: [String: String] = [:]
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
            switch options.first(where: { $0.name == option })?.kind {
            case .flag:
                guard parts.count == 1 else { throw UsageError(message: "\(option) takes no value") }
                parsed.flags.insert(option)
            case .value:
                guard let text = parts.count == 2 ? parts[1] : remaining.popFirst() else {
                    throw UsageError(message: "\(option) needs a value")
                }
                guard texts[option] == nil else { throw UsageError(message: "\(option) given twice") }
                texts[option] = text
            case nil:
                throw UsageError(message: "unknown option \(option)")
            }
        }
        try positionals.check(given: parsed.positionals.count)
        for declaration in options {
            if case .value(_, let read) = declaration.kind {
                parsed.values[declaration.name] = try read(texts[declaration.name])
            }
        }
        return parsed
    }
}
