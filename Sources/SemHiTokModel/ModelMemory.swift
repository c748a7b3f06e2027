import SemHiTokImageCodecs

/// What a computation of the model holds in memory at once beyond its weights, as an upper
/// bound in bytes, so that sizes can be refused and batches split before anything is
/// allocated. Attention works on blocks of queries (`Attention`), so every term grows with
/// the number of tokens `N`, not its square.
extension ModelConfiguration {
    /// Encoding one image at a grid of `gridSide` x `gridSide` patches: both preprocessed
    /// inputs (`3 S²`, `3 S_pix²` floats, kept in the result), and for each branch its
    /// patches (`N * 3 P²`) and, at the peak of a block, the stream, its norm, q, k, v and
    /// the attention output and its sum (`7 C` per token, less than `8 C`) beside the MLP's
    /// hidden layer; plus the features the result keeps (`C + D_q + d` per token).
    public func encodingBytes(gridSide: Int) -> Int {
        let tokens = gridSide * gridSide
        let (side, pixelSide) = (gridSide * siglipPatchSize, pixelImageSize(gridSide: gridSide))
        let siglipStack = 3 * siglipPatchSize * siglipPatchSize + 8 * siglip.hiddenSize + siglipIntermediateSize
        let pixelStack = 3 * pixelPatchSize * pixelPatchSize + 12 * pixelEncoder.hiddenSize
        let kept = siglip.hiddenSize + semanticCodeSize + pixelCodeSize
        return 4 * (3 * side * side + 3 * pixelSide * pixelSide + tokens * (siglipStack + pixelStack + kept))
    }

    /// Decoding one grid of `rows` x `columns` tokens: the code vectors, the decoder's
    /// stream at the peak of a block (`12 C_pd` per token with its MLP), the head's patches
    /// and the image tensor (`2 * 3 P_pix²` per token).
    public func decodingBytes(rows: Int, columns: Int) -> Int {
        let tokens = rows * columns
        let perToken = semanticCodeSize + pixelCodeSize + 12 * pixelDecoder.hiddenSize + 6 * pixelPatchSize * pixelPatchSize
        return 4 * tokens * perToken
    }

    /// The resolutions an image can be encoded at: from one patch `P` to the largest whose
    /// grid's encoding fits `memoryBudget` and whose inputs, SigLIP's and the pixel
    /// branch's, fit `ImageLimits.standard`.
    public func resolutions(memoryBudget: Int) -> ClosedRange<Int> {
        let side = ImageLimits.standard.maximumSquareSide
        var grid = side / siglipPatchSize
        while grid > 1, pixelImageSize(gridSide: grid) > side || encodingBytes(gridSide: grid) > memoryBudget {
            grid -= 1
        }
        return siglipPatchSize...min(side, grid * siglipPatchSize + siglipPatchSize - 1)
    }

    /// Semantic features of one grid of `rows` x `columns`: the code vectors, the semantic
    /// decoder's stream at the peak of a block and its output (`C` per token).
    public func semanticFeatureBytes(rows: Int, columns: Int) -> Int {
        4 * rows * columns * (semanticCodeSize + 12 * semanticDecoder.hiddenSize + siglip.hiddenSize)
    }
}
