import SemHiTok

/// `semhitok features IMAGE... --stage siglip|semantic -o OUT.npy`: the features an LLM
/// consumes, as a NumPy float32 array `[images, tokens, channels]`.
enum FeaturesCommand {
    /// The options only `features` takes.
    enum Options {
        static let stage = Option.required("--stage", .choice(["siglip", "semantic"]),
                                           help: "siglip: the SigLIP features that feed the semantic quantizer; "
                                               + "semantic: the semantic decoder's reconstruction of them from the tokens")
        static let output = Option.required("-o", .text("OUT.npy"), help: "the NumPy file to write")
    }

    static let spec = CommandSpec(
        name: "features",
        summary: "Write the SigLIP or semantic-decoder features of images as a NumPy .npy array.",
        details: """
            Each IMAGE (PNG, JPEG, GIF, BMP, WebP, PPM or PGM) gives one row of OUT.npy, a float32
            array of shape [images, tokens, channels], tokens in row-major grid order. With
            --stage siglip, --model may also be a SigLIP-only container (semhitok convert
            without --head).
            """,
        positionals: PositionalArguments("IMAGE", count: 1...Int.max),
        options: [Options.stage, Options.output, SharedOptions.model, SharedOptions.batch], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        let features: ([RGBImage]) throws -> [Matrix]
        if arguments[Options.stage] == "siglip" {
            let extractor = try arguments.siglipFeatureExtractor()
            features = { try extractor.siglipFeatures($0, resolution: nil) }
        } else {
            let model = try arguments.model()
            features = { try model.semanticFeatures($0) }
        }
        var values: [Float] = []
        var rows = 0
        var columns = 0
        for paths in arguments.batches(of: arguments.positionals) {
            let images = try paths.map { try ImageFile.read($0) }
            for matrix in try features(images) {
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
