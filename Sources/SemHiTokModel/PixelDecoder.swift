import SemHiTokCompute

/// The pixel decoder (Spec/architecture.md section 3.5): a ViT over the concatenated
/// semantic and pixel code vectors of each patch, ending in a linear head to the patch's
/// pixels, unpatchified into a `[3, rows * P_pix, columns * P_pix]` image tensor.
struct PixelDecoder: Sendable {
    let inputProjection: LinearWeights
    let positionEmbedding: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let head: LinearWeights
    let patchSize: Int

    init(_ weights: ModelWeightReader, configuration: ModelConfiguration) throws {
        let stack = configuration.pixelDecoder
        inputProjection = try weights.linear("pixel_decoder.input_proj")
        positionEmbedding = try weights.matrix("pixel_decoder.pos_embed")
        blocks = try TimmBlock.stack(weights, prefix: "pixel_decoder", stack: stack)
        norm = try weights.layerNorm("pixel_decoder.norm", epsilon: stack.layerNormEpsilon)
        head = try weights.linear("pixel_decoder.head")
        patchSize = configuration.pixelPatchSize
    }

    /// The image tensors of `B` grids of one size whose patch `n` (counting through the
    /// grids in order) has semantic code vector `semanticCodes` row `n` and pixel code
    /// vector `pixelCodes` row `n`.
    func callAsFunction(semanticCodes: Matrix, pixelCodes: Matrix, rows: Int, columns: Int) -> [ImageTensor] {
        var input = [Float]()
        input.reserveCapacity(semanticCodes.values.count + pixelCodes.values.count)
        for n in 0..<semanticCodes.rows {
            input += semanticCodes.row(n)
            input += pixelCodes.row(n)
        }
        let width = semanticCodes.columns + pixelCodes.columns
        let patchCount = rows * columns
        var x = Gemm.linear(Matrix(rows: semanticCodes.rows, columns: width, values: input), inputProjection)
            .addingToEachBlock(PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns))
        for block in blocks { x = block(x, sequenceLength: patchCount) }
        let patches = Gemm.linear(norm(x), head)
        return (0..<(semanticCodes.rows / patchCount)).map {
            unpatchify(patches.rows(($0 * patchCount)..<(($0 + 1) * patchCount)), rows: rows, columns: columns)
        }
    }

    /// `image[c, gy P + py, gx P + px] = patches[gy * columns + gx, (py * P + px) * 3 + c]`.
    func unpatchify(_ patches: Matrix, rows: Int, columns: Int) -> ImageTensor {
        let p = patchSize
        let (height, width) = (rows * p, columns * p)
        var values = [Float](repeating: 0, count: 3 * height * width)
        for gy in 0..<rows {
            for gx in 0..<columns {
                let patch = patches.row(gy * columns + gx)
                for py in 0..<p {
                    for px in 0..<p {
                        for c in 0..<3 {
                            values[(c * height + gy * p + py) * width + gx * p + px] = patch[patch.startIndex + (py * p + px) * 3 + c]
                        }
                    }
                }
            }
        }
        return ImageTensor(checkedHeight: height, width: width, values: values)
    }
}
