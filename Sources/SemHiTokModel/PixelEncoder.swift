import SemHiTokCompute

/// The pixel encoder (Spec/architecture.md section 3.4): a ViT over the image at the pixel
/// branch's resolution, ending in a projection to the pixel code dimension `d`.
struct PixelEncoder: Sendable {
    /// `patch_embed.proj`, `pos_embed`, `blocks.{l}.*`, `norm`, `code_proj`.
    struct Tensors: Sendable {
        let patchEmbed: LinearTensors
        let posEmbed: TensorDeclaration
        let blocks: [TimmBlock.Tensors]
        let norm: LayerNormTensors
        let codeProj: LinearTensors

        init(_ scope: TensorScope, _ configuration: ModelConfiguration) {
            let width = configuration.pixelEncoder.hiddenSize
            patchEmbed = scope.patchConvolution("patch_embed.proj", outputs: width, patchSize: configuration.pixelPatchSize)
            posEmbed = scope.tensor("pos_embed", shape: [configuration.patchCount, width])
            blocks = TimmBlock.Tensors.stack(scope, configuration.pixelEncoder)
            norm = scope.layerNorm("norm", width: width)
            codeProj = scope.linear("code_proj", outputs: configuration.pixelCodeSize, inputs: width)
        }
    }

    let patchEmbed: PatchEmbedding
    let posEmbed: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let codeProj: LinearWeights

    init(_ weights: ModelWeightReader, _ tensors: Tensors, configuration: ModelConfiguration) throws {
        let stack = configuration.pixelEncoder
        patchEmbed = PatchEmbedding(projection: try weights.linear(tensors.patchEmbed), patchSize: configuration.pixelPatchSize)
        posEmbed = try weights.matrix(tensors.posEmbed)
        blocks = try TimmBlock.stack(weights, tensors.blocks, stack: stack)
        norm = try weights.layerNorm(tensors.norm, epsilon: stack.layerNormEpsilon)
        codeProj = try weights.linear(tensors.codeProj)
    }

    /// `z_pix [B * N, d]` of `B` preprocessed images of one size, image after image.
    func callAsFunction(_ images: [ImageTensor]) -> Matrix {
        let (rows, columns) = patchEmbed.grid(images[0])
        var x = patchEmbed(images).addingToEachBlock(PositionInterpolation.resize(posEmbed, rows: rows, columns: columns))
        for block in blocks { x = block(x, sequenceLength: rows * columns) }
        return Gemm.linear(norm(x), codeProj)
    }
}
