import SemHiTokImageCodecs

/// What a computation of the model holds in memory at once beyond its weights, as an upper
/// bound in bytes, so that sizes can be refused and batches split before anything is
/// allocated. Attention works on blocks of queries (`Attention`), so every term grows with
/// the number of tokens `N`, not its square.
extension SiglipConfiguration {
    /// SigLIP's features of one image at a grid of `gridSide` x `gridSide` patches: the
    /// preprocessed input (`3 S²` floats), its patches (`N * 3 P²`) and, at the peak of a
    /// block, the stream, its norm, q, k, v and the attention output and its sum (`7 C` per
    /// token, less than `8 C`) beside the MLP's hidden layer, and the features (`C`).
    public func featureBytes(gridSide: Int) -> Int {
        let side = gridSide * patchSize
        let perToken = 3 * patchSize * patchSize + 8 * stack.hiddenSize + intermediateSize + stack.hiddenSize
        return 4 * (3 * side * side + gridSide * gridSide * perToken)
    }

    /// The resolutions SigLIP's features can be computed at: from one patch `P` to the
    /// largest whose grid's features fit `memoryBudget` and whose input fits
    /// `ImageLimits.standard`.
    public func resolutions(memoryBudget: Int) -> ClosedRange<Int> {
        resolutions { featureBytes(gridSide: $0) <= memoryBudget }
    }

    /// From one patch `P` to the largest resolution within `ImageLimits.standard` whose grid
    /// `fits` (a grid of one patch is always allowed).
    func resolutions(where fits: (_ gridSide: Int) -> Bool) -> ClosedRange<Int> {
        let side = ImageLimits.standard.maximumSquareSide
        var grid = side / patchSize
        while grid > 1, !fits(grid) { grid -= 1 }
        return patchSize...min(side, grid * patchSize + patchSize - 1)
    }
}

extension ModelConfiguration {
    /// Encoding one image at a grid of `gridSide` x `gridSide` patches: SigLIP's features
    /// (`SiglipConfiguration.featureBytes`), and likewise for the pixel branch its input
    /// (`3 S_pix²` floats, kept in the result), its patches and a block's peak; plus the
    /// projections the result keeps (`D_q + d` per token).
    public func encodingBytes(gridSide: Int) -> Int {
        let pixelSide = pixelImageSize(gridSide: gridSide)
        let pixelStack = 3 * pixelPatchSize * pixelPatchSize + 12 * pixelEncoder.hiddenSize
        let kept = semanticCodeSize + pixelCodeSize
        return siglip.featureBytes(gridSide: gridSide) + 4 * (3 * pixelSide * pixelSide + gridSide * gridSide * (pixelStack + kept))
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
        siglip.resolutions { grid in
            pixelImageSize(gridSide: grid) <= ImageLimits.standard.maximumSquareSide && encodingBytes(gridSide: grid) <= memoryBudget
        }
    }

    /// Semantic features of one grid of `rows` x `columns`: the code vectors, the semantic
    /// decoder's stream at the peak of a block and its output (`C` per token).
    public func semanticFeatureBytes(rows: Int, columns: Int) -> Int {
        4 * rows * columns * (semanticCodeSize + 12 * semanticDecoder.hiddenSize + siglip.stack.hiddenSize)
    }
}
