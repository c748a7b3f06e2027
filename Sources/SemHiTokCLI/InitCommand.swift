import SemHiTok

/// `semhitok init --config NAME --seed N -o FILE`: writes a model with the deterministic
/// weights of Spec/architecture.md section 7.
enum InitCommand {
    /// The options `init` takes.
    enum Options {
        static let configuration = Option.required("--config", .text("NAME"),
                                                   help: "the configuration: " + ModelConfiguration.names.joined(separator: ", "))
        static let seed = Option.required("--seed", .integer(in: 0...Int.max), help: "the seed every weight is drawn from")
        static let output = Option.required("-o", .text("FILE"), help: "the weight container to write")
    }

    static let spec = CommandSpec(
        name: "init",
        summary: "Write a model of a named configuration with deterministic random weights.",
        details: """
            Every weight is a function of the seed and the tensor's name (Spec/architecture.md
            section 7), so the same command gives the same bytes everywhere.
            """,
        positionals: .none, options: [Options.configuration, Options.seed, Options.output], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let name = arguments[Options.configuration]
        guard let configuration = ModelConfiguration.named(name) else {
            throw UsageError(message: "unknown configuration '\(name)'; known: \(ModelConfiguration.names.joined(separator: ", "))")
        }
        let seed = arguments[Options.seed]
        let output = arguments[Options.output]
        try ModelInitializer.weights(for: configuration, seed: UInt64(seed)).write(to: output)
        console.printOutput("\(output): \(name), seed \(seed)")
        return 0
    }
}
