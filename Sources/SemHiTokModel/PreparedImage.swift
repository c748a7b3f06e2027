import SemHiTokCompute

/// An image preprocessed for `SemHiTokModel.encode(prepared:)`: SigLIP's input and the
/// pixel encoder's input at one resolution (Spec/preprocessing.md).
public struct PreparedImage: Sendable {
    /// The side of the token grid the image will be encoded to.
    public let gridSide: Int
    /// `[3, S, S]`, S the SigLIP resolution.
    public let siglipInput: ImageTensor
    /// `[3, S_pix, S_pix]`, S_pix the pixel encoder's resolution for `gridSide`.
    public let pixelEncoderInput: ImageTensor
}
