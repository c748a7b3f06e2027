import Foundation
import SemHiTok

/// `semhitok eval IMAGE...`: how well a model reconstructs images (Spec/quality.md): PSNR
/// and SSIM of each reconstruction, the same without the pixel codes, and how the tokens use
/// the codebooks.
enum EvalCommand {
    /// The options only `eval` takes.
    enum Options {
        static let json = Flag("--json", help: "print one JSON object per image and one for the summary, for scripts")
    }

    static let spec = CommandSpec(
        name: "eval",
        summary: "Measure reconstructions: PSNR, SSIM, the pixel codes' share, codebook usage.",
        details: """
            Encodes each IMAGE, decodes its tokens and compares the reconstruction with the
            image as the pixel branch sees it (resized to the pixel branch's size): PSNR and
            SSIM, and the PSNR of the reconstruction with every pixel sub-code j set to 0
            (what the pixel codes add). The summary gives the means, the semantic codes used
            and their perplexity, and how often each pixel sub-code occurs (Spec/quality.md).
            """,
        positionals: PositionalArguments("IMAGE", count: 1...Int.max),
        options: [Options.json, SharedOptions.model, SharedOptions.batch], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let model = try arguments.model()
        let json = arguments[Options.json]
        var usage = CodebookUsage(semanticCodebookSize: model.configuration.semanticCodebookSize,
                                  pixelCodebookSize: model.configuration.pixelCodebookSize)
        var evaluations: [ReconstructionEvaluation] = []
        for paths in arguments.batches(of: arguments.positionals) {
            let images = try paths.map { try ImageFile.read($0) }
            for (path, evaluation) in zip(paths, try ReconstructionEvaluation.evaluate(images, with: model)) {
                usage.add(evaluation.tokens)
                evaluations.append(evaluation)
                console.printOutput(json
                    ? JSONText.object([("image", JSONText.string(path)), ("psnr", JSONText.number(evaluation.psnr)),
                                       ("ssim", JSONText.number(evaluation.ssim)),
                                       ("psnr_without_pixel_codes", JSONText.number(evaluation.psnrWithoutPixelCodes))])
                    : "\(path): PSNR \(decibels(evaluation.psnr)) (pixel codes set to 0: \(decibels(evaluation.psnrWithoutPixelCodes))), "
                        + "SSIM \(String(format: "%.4f", evaluation.ssim))")
            }
        }
        let count = Double(evaluations.count)
        let (psnr, ssim) = (evaluations.map(\.psnr).reduce(0, +) / count, evaluations.map(\.ssim).reduce(0, +) / count)
        let withoutPixelCodes = evaluations.map(\.psnrWithoutPixelCodes).reduce(0, +) / count
        let (used, size, perplexity) = (usage.semanticCodesUsed, usage.semanticCounts.count, usage.semanticPerplexity)
        if json {
            console.printOutput(JSONText.object([
                ("images", "\(evaluations.count)"), ("mean_psnr", JSONText.number(psnr)), ("mean_ssim", JSONText.number(ssim)),
                ("mean_psnr_without_pixel_codes", JSONText.number(withoutPixelCodes)), ("semantic_codes_used", "\(used)"),
                ("semantic_codebook_size", "\(size)"), ("semantic_perplexity", JSONText.number(perplexity)),
                ("pixel_code_counts", "[" + usage.pixelCounts.map(String.init).joined(separator: ", ") + "]"),
            ]))
        } else {
            console.printOutput("\(counted(evaluations.count, "image")): mean PSNR \(decibels(psnr)) "
                + "(pixel codes set to 0: \(decibels(withoutPixelCodes))), mean SSIM \(String(format: "%.4f", ssim)); "
                + "semantic codes used \(used) of \(size), perplexity \(String(format: "%.1f", perplexity)); "
                + "pixel sub-codes j = 0 ..< \(usage.pixelCounts.count): \(usage.pixelCounts.map(String.init).joined(separator: " "))")
        }
        return 0
    }

    private static func decibels(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f dB", value) : "inf dB"
    }
}
