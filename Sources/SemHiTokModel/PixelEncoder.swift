import SemHiTokCompute

/// The pixel encoder (Spec/architecture.md section 3.4): a ViT over the image at the pixel
/// branch's resolution, ending in a projection to the pixel code dimension `d`.
struct PixelEncoder: Sendable {
    let patchEmbedding: PatchEmbedding
    let positionEmbedding: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let codeProjection: LinearWeights

    init(_ weights: ModelWeightReader, configuration: ModelConfiguration) throws {
        let stack = configuration.pixelEncoder
        patchEmbedding = PatchEmbedding(projection: try weights.linear("pixel_encoder.patch_embed.proj"),
                                        patchSize: configuration.pixelPatchSize)
        positionEmbedding = try weights.matrix("pixel_encoder.pos_embed")
        blocks = try TimmBlock.stack(weights, prefix: "pixel_encoder", stack: stack)
        norm = try weights.layerNorm("pixel_encoder.norm", epsilon: stack.layerNormEpsilon)
        codeProjection = try weights.linear("pixel_encoder.code_proj")
    }

    /// `z_pix [B * N, d]` of `B` preprocessed images of one size, image after image.
    func callAsFunction(_ images: [ImageTensor]) -> Matrix {
        let (rows, columns) = patchEmbedding.grid(images[0])
        var x = patchEmbedding(images).addingToEachBlock(PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns))
        for block in blocks { x = block(x, sequenceLength: rows * columns) }
        return Gemm.linear(norm(x), codeProjection)
    }
}
