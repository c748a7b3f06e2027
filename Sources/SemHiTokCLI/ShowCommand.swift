import Foundation
import SemHiTok

/// `semhitok show IMAGE... -o SHEET.png`: one picture of what the model does to each image
/// (Spec/quality.md section 4).
enum ShowCommand {
    /// The options only `show` takes.
    enum Options {
        static let output = Option.required("-o", .text("SHEET.png"), help: "the PNG to write")
    }

    static let spec = CommandSpec(
        name: "show",
        summary: "Draw a sheet: input, reconstruction, semantic and pixel code maps per image.",
        details: """
            One row per IMAGE: the image as the pixel branch sees it, its reconstruction from
            the tokens, the semantic index map (a stable colour per code i) and the pixel
            sub-code map (a colour per j), captioned with the file name, PSNR and SSIM
            (Spec/quality.md). Small models' panels are enlarged by a whole factor.
            """,
        positionals: PositionalArguments("IMAGE", count: 1...Int.max),
        options: [Options.output, SharedOptions.model, SharedOptions.batch], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let model = try arguments.model()
        var evaluations: [ReconstructionEvaluation] = []
        for paths in arguments.batches(of: arguments.positionals) {
            evaluations += try ReconstructionEvaluation.evaluate(try paths.map { try ImageFile.read($0) }, with: model)
        }
        let names = arguments.positionals.map { URL(fileURLWithPath: $0).lastPathComponent }
        let sheet = ContactSheet.render(evaluations, names: names, pixelCodebookSize: model.configuration.pixelCodebookSize)
        let output = arguments[Options.output]
        try ImageFile.write(sheet, to: output)
        console.printOutput("\(output): \(sheet.width) x \(sheet.height), \(counted(evaluations.count, "image"))")
        return 0
    }
}
