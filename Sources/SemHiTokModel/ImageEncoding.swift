import SemHiTokCompute
import SemHiTokQuantization

/// Everything the encoder side computes for one image (Spec/architecture.md section 1),
/// kept so that callers can inspect or check each stage.
public struct ImageEncoding: Sendable {
    /// Grid rows and columns, in patches.
    public let gridHeight: Int
    public let gridWidth: Int
    /// SigLIP's input, `[3, S, S]` (transformers calls it `pixel_values`).
    public let siglipInput: ImageTensor
    /// The pixel encoder's input, `[3, S_pix, S_pix]`.
    public let pixelEncoderInput: ImageTensor
    /// `F_sig [N, C]`.
    public let siglipFeatures: Matrix
    /// `z_sem [N, D_q]`, before normalisation.
    public let semanticProjection: Matrix
    /// The semantic lookup: `i` and its score per patch.
    public let semantic: CodeSearchResult
    /// `z_pix [N, d]`, before normalisation.
    public let pixelProjection: Matrix
    /// The pixel lookup: `j` and its score per patch.
    public let pixel: CodeSearchResult
    /// `i * m + j` per patch, row-major.
    public let tokens: [UInt32]
}
