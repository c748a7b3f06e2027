import SemHiTokCompute

/// The pixel decoder (Spec/architecture.md section 3.5): a ViT over the concatenated
/// semantic and pixel code vectors of each patch, ending in a linear head to the patch's
/// pixels, unpatchified into a `[3, rows * P_pix, columns * P_pix]` image tensor.
struct PixelDecoder: Sendable {
    /// `input_proj`, `pos_embed`, `blocks.{l}.*`, `norm`, `head`.
    struct Tensors: Sendable {
        let inputProj: LinearTensors
        let posEmbed: TensorDeclaration
        let blocks: [TimmBlock.Tensors]
        let norm: LayerNormTensors
        let head: LinearTensors

        init(_ scope: TensorScope, _ configuration: ModelConfiguration) {
            let width = configuration.pixelDecoder.hiddenSize
            let patchSize = configuration.pixelPatchSize
            inputProj = scope.linear("input_proj", outputs: width, inputs: configuration.semanticCodeSize + configuration.pixelCodeSize)
            posEmbed = scope.tensor("pos_embed", shape: [configuration.patchCount, width])
            blocks = TimmBlock.Tensors.stack(scope, configuration.pixelDecoder)
            norm = scope.layerNorm("norm", width: width)
            head = scope.linear("head", outputs: patchSize * patchSize * 3, inputs: width)
        }
    }

    let inputProj: LinearWeights
    let posEmbed: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let head: LinearWeights
    let patchSize: Int

    init(_ weights: ModelWeightReader, _ tensors: Tensors, configuration: ModelConfiguration) throws {
        let stack = configuration.pixelDecoder
        inputProj = try weights.linear(tensors.inputProj)
        posEmbed = try weights.matrix(tensors.posEmbed)
        blocks = try TimmBlock.stack(weights, tensors.blocks, stack: stack)
        norm = try weights.layerNorm(tensors.norm, epsilon: stack.layerNormEpsilon)
        head = try weights.linear(tensors.head)
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
        var x = Gemm.linear(Matrix(rows: semanticCodes.rows, columns: width, values: input), inputProj)
            .addingToEachBlock(PositionInterpolation.resize(posEmbed, rows: rows, columns: columns))
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
