import Foundation
import SemHiTok
import TestSupport
import Testing

/// `ReconstructionEvaluation` on the golden whole-model cases of `tiny`, whose expected
/// tokens, pixel-branch input and decoded image come from the PyTorch reference.
struct ReconstructionEvaluationTests {
    static let model = RepositoryPaths.golden("model")

    @Test(arguments: ["tiny_coffee_80x60", "tiny_gravel_64x64"])
    func evaluationComparesTheReferencesReconstructionWithItsInput(name: String) throws {
        let golden = try WeightFile(contentsOf: Self.model + "/" + name + ".shw")
        let (pixels, shape) = try golden.uint8s("input")
        let image = RGBImage(width: shape[1], height: shape[0], pixels: pixels)
        let evaluation = try #require(try ReconstructionEvaluation.evaluate([image], with: SemHiTokModel(contentsOf: Self.model + "/tiny.shw")).first)
        #expect(evaluation.tokens == (try golden.int32s("expected.tokens").values.map { UInt32($0) }))
        // The input as 8 bits: Spec/preprocessing.md section 4 applied to the reference's
        // pixel-branch tensor (CHW), in float32 as NumPy computes it.
        let (values, chw) = try golden.floats("expected.pixel_values_pix")
        let (height, width) = (chw[1], chw[2])
        let expectedInput = (0..<(height * width * 3)).map { index -> UInt8 in
            let (pixel, channel) = (index / 3, index % 3)
            let value = values[channel * height * width + pixel]
            return UInt8(((min(max(value, -1), 1) + 1) * 127.5).rounded(.toNearestOrEven))
        }
        #expect(evaluation.input.pixels == expectedInput)
        let decoded = try golden.uint8s("expected.decoded_image").values
        #expect(zip(evaluation.reconstruction.pixels, decoded).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        // PSNR from the reference's own images, by the formula of Spec/quality.md section 1.
        let squares = zip(expectedInput, decoded).map { pow(Double($0) - Double($1), 2) }
        let referencePSNR = 10 * log10(255 * 255 / (squares.reduce(0, +) / Double(squares.count)))
        #expect(abs(evaluation.psnr - referencePSNR) < 0.05)
        #expect(evaluation.ssim > -1 && evaluation.ssim < 1)
        #expect(evaluation.psnrWithoutPixelCodes.isFinite)
    }
}
