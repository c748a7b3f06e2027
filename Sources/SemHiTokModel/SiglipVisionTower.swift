import SemHiTokCompute

/// The SigLIP vision tower in HuggingFace's `SiglipVisionModel` layout, without the pooling
/// head (Spec/architecture.md section 3.1): patch embedding plus position embedding, `L`
/// pre-norm encoder layers, and optionally the post-LayerNorm. Its output is the "siglip"
/// feature `F_sig [N, C]`.
struct SiglipVisionTower: Sendable {
    /// One encoder layer: separate q, k, v projections and a `gelu_tanh` MLP.
    struct Layer: Sendable {
        let layerNorm1: LayerNorm
        let query: LinearWeights
        let key: LinearWeights
        let value: LinearWeights
        let output: LinearWeights
        let layerNorm2: LayerNorm
        let fc1: LinearWeights
        let fc2: LinearWeights
        let heads: Int

        /// `x [tokens, C]` through the layer; the rows are images of `sequenceLength` tokens each.
        func callAsFunction(_ x: Matrix, sequenceLength: Int) -> Matrix {
            let normed = layerNorm1(x)
            let attended = Attention.multiHead(queries: Gemm.linear(normed, query), keys: Gemm.linear(normed, key),
                                               values: Gemm.linear(normed, value), heads: heads, sequenceLength: sequenceLength)
            let afterAttention = Gemm.linear(attended, output, adding: x)
            return Gemm.linear(Gemm.linear(layerNorm2(afterAttention), fc1, then: .geluTanh), fc2, adding: afterAttention)
        }
    }

    let patchEmbedding: PatchEmbedding
    let positionEmbedding: Matrix
    let layers: [Layer]
    let postLayerNorm: LayerNorm?

    init(_ weights: ModelWeightReader, configuration: ModelConfiguration) throws {
        let tower = "siglip.vision_model"
        let epsilon = configuration.siglip.layerNormEpsilon
        patchEmbedding = PatchEmbedding(projection: try weights.linear(tower + ".embeddings.patch_embedding"),
                                        patchSize: configuration.siglipPatchSize)
        positionEmbedding = try weights.matrix(tower + ".embeddings.position_embedding.weight")
        layers = try (0..<configuration.siglip.numLayers).map { index in
            let prefix = "\(tower).encoder.layers.\(index)"
            return Layer(layerNorm1: try weights.layerNorm(prefix + ".layer_norm1", epsilon: epsilon),
                         query: try weights.linear(prefix + ".self_attn.q_proj"),
                         key: try weights.linear(prefix + ".self_attn.k_proj"),
                         value: try weights.linear(prefix + ".self_attn.v_proj"),
                         output: try weights.linear(prefix + ".self_attn.out_proj"),
                         layerNorm2: try weights.layerNorm(prefix + ".layer_norm2", epsilon: epsilon),
                         fc1: try weights.linear(prefix + ".mlp.fc1"), fc2: try weights.linear(prefix + ".mlp.fc2"),
                         heads: configuration.siglip.numHeads)
        }
        postLayerNorm = configuration.siglipPostLayerNorm
            ? try weights.layerNorm(tower + ".post_layernorm", epsilon: epsilon) : nil
    }

    /// `F_sig [B * N, C]` of `B` preprocessed images of one size, image after image.
    func callAsFunction(_ images: [ImageTensor]) -> Matrix {
        let (rows, columns) = patchEmbedding.grid(images[0])
        var x = patchEmbedding(images).addingToEachBlock(PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns))
        for layer in layers { x = layer(x, sequenceLength: rows * columns) }
        return postLayerNorm.map { $0(x) } ?? x
    }
}
