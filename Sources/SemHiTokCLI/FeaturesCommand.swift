import SemHiTok

/// `semhitok features IMAGE... --stage siglip|semantic -o OUT.npy`: the features an LLM
/// consumes, as a NumPy float32 array `[images, tokens, channels]`.
enum FeaturesCommand {
    static let spec = CommandSpec(
        name: "features",
        summary: "Write the SigLIP or semantic-decoder features of images as a NumPy .npy array.",
        usage: "semhitok features IMAGE... --stage siglip|semantic -o OUT.npy [--model FILE]",
        details: """
            --stage siglip writes the SigLIP features that feed the semantic quantizer;
            --stage semantic writes the semantic decoder's reconstruction from the tokens.
            OUT is float32, shape [images, tokens, channels], tokens in row-major grid order.

            options:
              --stage STAGE  siglip or semantic
              -o OUT         the .npy file to write
              --model FILE   the weight container (default: the embedded tiny model)
            """,
        flags: [], valueOptions: ["-o", "--model", "--stage"], positionals: 1...Int.max, run: run)

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
        for path in arguments.positionals {
            let encoding = try model.encode(try ImageFile.read(path))
            let features = stage == "siglip"
                ? encoding.siglipFeatures
                : try model.semanticFeatures(semanticIndices: encoding.semantic.indices, gridHeight: encoding.gridHeight,
                                             gridWidth: encoding.gridWidth)
            (rows, columns) = (features.rows, features.columns)
            values += features.values
        }
        let shape = [arguments.positionals.count, rows, columns]
        try NPYWriter.write(values, shape: shape, to: output)
        console.printOutput("\(output): float32 \(shape)")
        return 0
    }
}
