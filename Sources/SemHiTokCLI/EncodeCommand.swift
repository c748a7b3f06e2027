import SemHiTok

/// `semhitok encode IMAGE... -o OUT`: tokenizes images into a token file, one record per
/// image keyed by its path as given (Spec/tokens.md).
enum EncodeCommand {
    static let spec = CommandSpec(
        name: "encode",
        summary: "Tokenize images into a token file (.sht), one record per image.",
        usage: "semhitok encode IMAGE... -o OUT [--model FILE] [--size N] [--batch N] [--append]",
        details: """
            Each IMAGE (PNG, JPEG, PPM or PGM) becomes one record of OUT: its path as the
            key, the grid, and the token ids i * m + j in row-major order.

            options:
              -o OUT         the token file to write (replaced atomically unless --append)
              --model FILE   the weight container (default: the embedded tiny model)
              --size N       encode at N x N instead of the model's native size: a grid of
                             floor(N / patch size) squared, the position embeddings
                             interpolated to it
              --batch N      images computed together (default 8): faster for small models,
                             the same tokens for any N
              --append       add the records to the existing OUT, which must come from the
                             same model
            """,
        flags: ["--append"], valueOptions: ["-o", "--model", "--size", "--batch"], positionals: 1...Int.max, run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = try arguments.required("-o")
        let size = try arguments.integer("--size", in: 1...16_384)
        let model = try arguments.model()
        let header = try model.tokenFileHeader(resolution: size)
        let writer = arguments.flags.contains("--append")
            ? try TokenFileWriter.append(to: output, header: header)
            : try TokenFileWriter.create(at: output, header: header)
        for paths in try arguments.batches(of: arguments.positionals) {
            let encodings = try model.encode(try paths.map { try ImageFile.read($0) }, resolution: size)
            for (path, encoding) in zip(paths, encodings) {
                try writer.write(TokenRecord(key: path, gridHeight: encoding.gridHeight, gridWidth: encoding.gridWidth,
                                             tokens: encoding.tokens))
            }
        }
        try writer.finish()
        console.printOutput("\(output): \(arguments.positionals.count) image\(arguments.positionals.count == 1 ? "" : "s") encoded, "
            + "\(writer.recordCount) record\(writer.recordCount == 1 ? "" : "s") in the file")
        return 0
    }
}
