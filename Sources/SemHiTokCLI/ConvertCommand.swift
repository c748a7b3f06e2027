import SemHiTok

/// `semhitok convert --siglip DIR [--head FILE] -o OUT.shw`: a weight container from a
/// HuggingFace SigLIP checkpoint and, optionally, a SemHiTok head file (Spec/convert.md).
enum ConvertCommand {
    /// The options `convert` takes.
    enum Options {
        static let siglip = Option.required(
            "--siglip", .text("DIR"),
            help: "a HuggingFace SigLIP model directory: config.json, model.safetensors or a sharded "
                + "model.safetensors.index.json, and preprocessor_config.json if it has one")
        static let head = Option.optional(
            "--head", .text("FILE"), help: "a SemHiTok head file (safetensors, Spec/convert.md section 4) to combine with it",
            defaultDescription: "none: a SigLIP-only container, which 'features --stage siglip' runs")
        static let siglipLayers = Option.optional(
            "--siglip-layers", .integer(in: 1...1024),
            help: "keep the first N encoder layers; below the whole tower, without post_layernorm "
                + "(N = L - 1 is the second-to-last layer, as TokenFlow uses)",
            defaultDescription: "the head's siglip.num_layers, else the whole tower")
        static let dtype = Option.optional(
            "--dtype", .choice(DType.floatTypes.map(\.description)),
            help: "how the weights are stored, rounded to nearest even; the codebooks stay f32", default: "f32")
        static let name = Option.optional("--name", .text("NAME"), help: "the model.config_name to record",
                                          defaultDescription: "the head's, else the SigLIP directory's name")
        static let output = Option.required("-o", .text("OUT.shw"), help: "the weight container to write")
    }

    static let spec = CommandSpec(
        name: "convert",
        summary: "Build a weight container from a HuggingFace SigLIP checkpoint and a SemHiTok head.",
        details: """
            Reads SiglipVisionModel, SiglipModel (the text tower is skipped) and fixed-resolution
            SigLIP 2 checkpoints, single-file or sharded, in F32, F16 or BF16, with the keys of
            checkpoint files and of transformers 4 and 5. The pooling head and position_ids are
            dropped on purpose; any other tensor the mapping does not know is an error
            (Spec/convert.md). Every input is checked before anything is written, and the
            output is written one tensor at a time.
            """,
        positionals: .none,
        options: [Options.siglip, Options.head, Options.siglipLayers, Options.dtype, Options.name, Options.output], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let dtype = DType.floatTypes.first { $0.description == arguments[Options.dtype] } ?? .f32
        let options = CheckpointConversion.Options(siglipLayers: arguments[Options.siglipLayers], dtype: dtype,
                                                   name: arguments[Options.name])
        let conversion = try CheckpointConversion(siglip: arguments[Options.siglip], head: arguments[Options.head], options: options)
        let output = arguments[Options.output]
        try conversion.write(to: output)
        console.printOutput("\(output): \(conversion.summary)")
        return 0
    }
}
