import SemHiTok

/// `semhitok init --config NAME --seed N -o FILE`: writes a model with the deterministic
/// weights of Spec/architecture.md section 7.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init",
        summary: "Write a model of a named configuration with deterministic random weights.",
        usage: "semhitok init --config NAME --seed N -o FILE",
        details: """
            Every weight is a function of the seed and the tensor's name (Spec/architecture.md
            section 7), so the same command gives the same bytes everywhere.

            configurations: \(ModelConfiguration.names.joined(separator: ", "))

            options:
              --config NAME   the configuration
              --seed N        an integer from 0 to 2^63 - 1
              -o FILE         the weight container to write
            """,
        flags: [], valueOptions: ["--config", "--seed", "-o"], positionals: 0...0, run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let name = try arguments.required("--config")
        guard let configuration = ModelConfiguration.named(name) else {
            throw UsageError(message: "unknown configuration '\(name)'; known: \(ModelConfiguration.names.joined(separator: ", "))")
        }
        guard let seed = try arguments.integer("--seed", in: 0...Int.max) else { throw UsageError(message: "--seed is required") }
        let output = try arguments.required("-o")
        try ModelInitializer.weights(for: configuration, seed: UInt64(seed)).write(to: output)
        console.printOutput("\(output): \(name), seed \(seed)")
        return 0
    }
}
