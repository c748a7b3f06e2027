import SemHiTok

/// `semhitok encode IMAGE... -o OUT`: tokenizes images into a token file, one record per
/// image keyed by its path as given (Spec/tokens.md).
enum EncodeCommand {
    /// The options only `encode` takes.
    enum Options {
        static let output = Option.required("-o", .text("OUT"),
                                            help: "the token file to write, replaced atomically unless --append")
        static let size = Option.optional("--size", .integer(in: 1...ImageLimits.standard.maximumSquareSide),
                                          help: "encode at N x N instead of the model's native size: a grid of "
                                              + "floor(N / patch size) squared, the position embeddings interpolated to it; "
                                              + "from the patch size to the largest the model computes within its memory budget")
        static let append = Flag("--append", help: "add the records to the existing OUT, which must come from the same model")
    }

    static let spec = CommandSpec(
        name: "encode",
        summary: "Tokenize images into a token file (.sht), one record per image.",
        details: """
            Each IMAGE (PNG, JPEG, PPM or PGM) becomes one record of OUT: its path as the
            key, the grid, and the token ids i * m + j in row-major order.
            """,
        positionals: PositionalArguments("IMAGE", count: 1...Int.max),
        options: [Options.output, SharedOptions.model, Options.size, SharedOptions.batch, Options.append], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        let size = arguments[Options.size]
        let model = try arguments.model()
        if let size, !model.resolutions.contains(size) {
            throw UsageError(message: "--size must be from \(model.resolutions.lowerBound) to \(model.resolutions.upperBound) "
                + "for this model, got \(size)")
        }
        let header = try model.tokenFileHeader(resolution: size)
        let appending = arguments[Options.append]
        let writer = appending
            ? try TokenFileWriter.append(to: output, header: header)
            : try TokenFileWriter.create(at: output, header: header)
        var addedKeys: [String] = []
        do {
            try Interruption.catching {
                for paths in arguments.batches(of: arguments.positionals) {
                    try Interruption.check()
                    let encodings = try model.encode(try paths.map { try ImageFile.read($0) }, resolution: size)
                    try Interruption.check()
                    for (path, encoding) in zip(paths, encodings) {
                        try writer.write(TokenRecord(key: path, gridHeight: encoding.gridHeight, gridWidth: encoding.gridWidth,
                                                     tokens: encoding.tokens))
                        addedKeys.append(path)
                    }
                }
                try writer.finish()
            }
        } catch {
            // A new file is dropped unfinished (its temporary removed); an appended one keeps
            // what it held and what was added, indexed.
            guard appending, !writer.isFinished else { throw error }
            try writer.finish()
            throw AppendFailure(path: output, cause: error, earlierRecordCount: writer.earlierRecordCount, addedKeys: addedKeys)
        }
        console.printOutput("\(output): \(arguments.positionals.count) image\(arguments.positionals.count == 1 ? "" : "s") encoded, "
            + "\(writer.recordCount) record\(writer.recordCount == 1 ? "" : "s") in the file")
        return 0
    }
}
