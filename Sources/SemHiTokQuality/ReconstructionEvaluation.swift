import SemHiTokImageCodecs
import SemHiTokModel
import SemHiTokPreprocessing

/// How well a model reconstructs one image (Spec/quality.md section 3): the image is
/// encoded, its tokens decoded, and the reconstruction compared with the input as the pixel
/// branch sees it (resized to `S_pix` and back to 8 bits); the same again with every pixel
/// sub-code `j` forced to 0, which measures what the pixel codes carry.
public struct ReconstructionEvaluation: Sendable {
    /// The pixel branch's input as 8-bit RGB, `S_pix x S_pix`.
    public let input: RGBImage
    /// The decoded tokens.
    public let reconstruction: RGBImage
    /// The tokens, `i * m + j`, row-major.
    public let tokens: [UInt32]
    /// The grid's sides.
    public let gridHeight: Int, gridWidth: Int
    /// PSNR and SSIM of `reconstruction` against `input`.
    public let psnr: Double, ssim: Double
    /// PSNR of the reconstruction from the tokens `i * m` (every `j` = 0) against `input`.
    public let psnrWithoutPixelCodes: Double

    /// Encodes, decodes and measures `images` with `model`, each as computed alone.
    public static func evaluate(_ images: [RGBImage], with model: SemHiTokModel) throws -> [ReconstructionEvaluation] {
        let m = UInt32(model.configuration.pixelCodebookSize)
        return try model.encode(images).map { encoding in
            let (rows, columns) = (encoding.gridHeight, encoding.gridWidth)
            let input = try Postprocessor.image(from: encoding.pixelEncoderInput)
            let reconstruction = try model.decodeImage(tokens: encoding.tokens, gridHeight: rows, gridWidth: columns)
            let semanticOnly = try model.decodeImage(tokens: encoding.tokens.map { $0 - $0 % m }, gridHeight: rows, gridWidth: columns)
            return ReconstructionEvaluation(
                input: input, reconstruction: reconstruction, tokens: encoding.tokens, gridHeight: rows, gridWidth: columns,
                psnr: try ImageQuality.psnr(input, reconstruction), ssim: try ImageQuality.ssim(input, reconstruction),
                psnrWithoutPixelCodes: try ImageQuality.psnr(input, semanticOnly))
        }
    }
}
