import SemHiTokCompute

/// One transformer block in timm's `Block` layout (Spec/architecture.md section 2): pre-norm
/// attention with a fused q|k|v projection, then a pre-norm MLP with exact GELU, each added
/// to the residual stream.
struct TimmBlock: Sendable {
    let norm1: LayerNorm
    let qkv: LinearWeights
    let proj: LinearWeights
    let norm2: LayerNorm
    let fc1: LinearWeights
    let fc2: LinearWeights
    let heads: Int

    /// The block `prefix` (e.g. `pixel_encoder.blocks.0`) of a stack.
    init(_ weights: ModelWeightReader, prefix: String, stack: ModelConfiguration.Stack) throws {
        norm1 = try weights.layerNorm(prefix + ".norm1", epsilon: stack.layerNormEpsilon)
        qkv = try weights.linear(prefix + ".attn.qkv")
        proj = try weights.linear(prefix + ".attn.proj")
        norm2 = try weights.layerNorm(prefix + ".norm2", epsilon: stack.layerNormEpsilon)
        fc1 = try weights.linear(prefix + ".mlp.fc1")
        fc2 = try weights.linear(prefix + ".mlp.fc2")
        heads = stack.numHeads
    }

    /// The blocks `prefix.blocks.0 ..< numLayers` of a stack.
    static func stack(_ weights: ModelWeightReader, prefix: String, stack: ModelConfiguration.Stack) throws -> [TimmBlock] {
        try (0..<stack.numLayers).map { try TimmBlock(weights, prefix: "\(prefix).blocks.\($0)", stack: stack) }
    }

    /// `x [tokens, C]` through the block; the rows are images of `sequenceLength` tokens each.
    func callAsFunction(_ x: Matrix, sequenceLength: Int) -> Matrix {
        let attended = Attention.multiHead(queriesKeysValues: Gemm.linear(norm1(x), qkv), heads: heads,
                                           sequenceLength: sequenceLength)
        let afterAttention = Gemm.linear(attended, proj, adding: x)
        return Gemm.linear(Gemm.linear(norm2(afterAttention), fc1, then: .gelu), fc2, adding: afterAttention)
    }
}
