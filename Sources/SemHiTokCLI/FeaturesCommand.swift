import SemHiTok

/// `semhitok features IMAGE... --stage siglip|semantic -o OUT.npy`: the features an LLM
/// consumes, as a NumPy float32 array `[images, tokens, channels]`.
enum FeaturesCommand {
    static let spec = CommandSpec(
        name: "features",
        summary: "Write the SigLIP or semantic-decoder features of images as a NumPy .npy array.",
        usage: "semhitok features IMAGE... --stage siglip|semantic -o OUT.npy [--model FILE] [--batch N]",
        details: """
            --stage siglip writes the SigLIP features that feed the semantic quantizer;
            --stage semantic writes the semantic decoder's reconstruction from the tokens.
            OUT is float32, shape [images, tokens, channels], tokens in row-major grid order.

            options:
              --stage STAGE  siglip or semantic
              -o OUT         the .npy file to write
              --model FILE   the weight container (default: the embedded tiny model)
              --batch N      images computed together (default 8); the same values for any N
            """,
        flags: [], valueOptions: ["-o", "--model", "--stage", "--batch"], positionals: 1...Int.max, run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = try arguments.required("-o")
        let stage = try arguments.required("--stage")
        guard stage == "siglip" || stage == "semantic" else {
            throw UsageError(message: "--stage must be siglip or semantic, got '\(stage)'")
        }
        let model = try arguments.model()
        var values: [Float] = []
        var rows = 0
        var columns = 0
        for paths in try arguments.batches(of: arguments.positionals) {
            let images = try paths.map { try ImageFile.read($0) }
            let features = stage == "siglip" ? try model.siglipFeatures(images) : try model.semanticFeatures(images)
            for matrix in features {
                (rows, columns) = (matrix.rows, matrix.columns)
                values += matrix.values
            }
        }
        let shape = [arguments.positionals.count, rows, columns]
        try NPYWriter.write(values, shape: shape, to: output)
        console.printOutput("\(output): float32 \(shape)")
        return 0
    }
}
