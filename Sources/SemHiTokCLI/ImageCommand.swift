import SemHiTok

/// `semhitok image IN -o OUT [--size N]`: decodes IN, converts it to RGB as the model's
/// preprocessing does, optionally resizes it with the preprocessing resize, and writes
/// OUT: exactly what the model will be fed, to look at or check from outside.
enum ImageCommand {
    /// The options only `image` takes.
    enum Options {
        static let output = Option.required("-o", .text("OUT"), help: "the output file (.png or .ppm)")
        static let size = Option.optional("--size", .integer(in: 1...ImageLimits.standard.maximumSquareSide),
                                          help: "first resize to N x N with the preprocessing's Pillow-exact bicubic")
    }

    static let spec = CommandSpec(
        name: "image",
        summary: "Decode an image to the RGB the model sees, optionally resized, and write it as PNG or PPM.",
        details: """
            IN is a PNG, JPEG, GIF (its first image), BMP, WebP (its first frame), PPM or PGM
            file. It is converted to 8-bit RGB as the SigLIP processor does (grey replicated,
            alpha and transparency composited over white) and written to OUT, as PNG or PPM by
            OUT's extension.
            """,
        positionals: PositionalArguments("IN"), options: [Options.output, Options.size], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        guard ImageFile.outputFormat(for: output) != nil else { throw UsageError(message: "-o must name a .png or .ppm file") }
        let size = arguments[Options.size]
        var image = try ImageFile.read(arguments.positionals[0])
        if let size { image = BicubicResize.resize(image, width: size, height: size) }
        try ImageFile.write(image, to: output)
        console.printOutput("\(output): \(image.width) x \(image.height)")
        return 0
    }
}
