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

    /// `z_pix [N, d]` of a preprocessed image whose sides are multiples of the pixel patch size.
    func callAsFunction(_ image: ImageTensor) -> Matrix {
        let (rows, columns) = (image.height / patchEmbedding.patchSize, image.width / patchEmbedding.patchSize)
        var x = patchEmbedding(image) + PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns)
        for block in blocks { x = block(x) }
        return Gemm.linear(norm(x), codeProjection)
    }
}
