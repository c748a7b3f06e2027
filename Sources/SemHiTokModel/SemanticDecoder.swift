import SemHiTokCompute

/// The semantic decoder (Spec/architecture.md section 3.3): reconstructs SigLIP-width
/// features `F_sem [N, C]` from the semantic code vectors, the features a multimodal LLM
/// consumes.
struct SemanticDecoder: Sendable {
    let inputProjection: LinearWeights
    let positionEmbedding: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let head0: LinearWeights
    let head2: LinearWeights

    init(_ weights: ModelWeightReader, configuration: ModelConfiguration) throws {
        let stack = configuration.semanticDecoder
        inputProjection = try weights.linear("semantic_decoder.input_proj")
        positionEmbedding = try weights.matrix("semantic_decoder.pos_embed")
        blocks = try TimmBlock.stack(weights, prefix: "semantic_decoder", stack: stack)
        norm = try weights.layerNorm("semantic_decoder.norm", epsilon: stack.layerNormEpsilon)
        head0 = try weights.linear("semantic_decoder.head.0")
        head2 = try weights.linear("semantic_decoder.head.2")
    }

    /// `F_sem [B * rows * columns, C]` from the semantic code vectors `C_sem[i]` of `B`
    /// grids of one size, grid after grid.
    func callAsFunction(codes: Matrix, rows: Int, columns: Int) -> Matrix {
        var x = Gemm.linear(codes, inputProjection)
            .addingToEachBlock(PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns))
        for block in blocks { x = block(x, sequenceLength: rows * columns) }
        return Gemm.linear(Gemm.linear(norm(x), head0, then: .tanh), head2)
    }
}
