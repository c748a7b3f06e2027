import SemHiTokCompute

/// One transformer block in timm's `Block` layout (Spec/architecture.md section 2): pre-norm
/// attention with a fused q|k|v projection, then a pre-norm MLP with exact GELU, each added
/// to the residual stream.
struct TimmBlock: Sendable {
    /// The block's tensors (`norm1`, `attn.qkv`, `attn.proj`, `norm2`, `mlp.fc1`,
    /// `mlp.fc2`) for a stream of `width` channels and an MLP ratio of 4.
    struct Tensors: Sendable {
        let norm1: LayerNormTensors
        let qkv: LinearTensors
        let proj: LinearTensors
        let norm2: LayerNormTensors
        let fc1: LinearTensors
        let fc2: LinearTensors

        init(_ scope: TensorScope, width: Int) {
            norm1 = scope.layerNorm("norm1", width: width)
            qkv = scope.linear("attn.qkv", outputs: 3 * width, inputs: width)
            proj = scope.linear("attn.proj", outputs: width, inputs: width)
            norm2 = scope.layerNorm("norm2", width: width)
            fc1 = scope.linear("mlp.fc1", outputs: 4 * width, inputs: width)
            fc2 = scope.linear("mlp.fc2", outputs: width, inputs: 4 * width)
        }

        /// The blocks `blocks.0 ..< stack.numLayers` of a stack below `scope`.
        static func stack(_ scope: TensorScope, _ stack: ModelConfiguration.Stack) -> [Tensors] {
            (0..<stack.numLayers).map { Tensors(scope.scope("blocks.\($0)"), width: stack.hiddenSize) }
        }
    }

    let norm1: LayerNorm
    let qkv: LinearWeights
    let proj: LinearWeights
    let norm2: LayerNorm
    let fc1: LinearWeights
    let fc2: LinearWeights
    let heads: Int

    init(_ weights: ModelWeightReader, _ tensors: Tensors, stack: ModelConfiguration.Stack) throws {
        norm1 = try weights.layerNorm(tensors.norm1, epsilon: stack.layerNormEpsilon)
        qkv = try weights.linear(tensors.qkv)
        proj = try weights.linear(tensors.proj)
        norm2 = try weights.layerNorm(tensors.norm2, epsilon: stack.layerNormEpsilon)
        fc1 = try weights.linear(tensors.fc1)
        fc2 = try weights.linear(tensors.fc2)
        heads = stack.numHeads
    }

    /// The blocks of a stack.
    static func stack(_ weights: ModelWeightReader, _ tensors: [Tensors], stack: ModelConfiguration.Stack) throws -> [TimmBlock] {
        try tensors.map { try TimmBlock(weights, $0, stack: stack) }
    }

    /// `x [tokens, C]` through the block; the rows are images of `sequenceLength` tokens each.
    func callAsFunction(_ x: Matrix, sequenceLength: Int) -> Matrix {
        let attended = Attention.multiHead(queriesKeysValues: Gemm.linear(norm1(x), qkv), heads: heads,
                                           sequenceLength: sequenceLength)
        let afterAttention = Gemm.linear(attended, proj, adding: x)
        return Gemm.linear(Gemm.linear(norm2(afterAttention), fc1, then: .gelu), fc2, adding: afterAttention)
    }
}
