import SemHiTokCompute

/// The semantic decoder (Spec/architecture.md section 3.3): reconstructs SigLIP-width
/// features `F_sem [N, C]` from the semantic code vectors, the features a multimodal LLM
/// consumes.
struct SemanticDecoder: Sendable {
    /// `input_proj`, `pos_embed`, `blocks.{l}.*`, `norm`, `head.0`, `head.2`.
    struct Tensors: Sendable {
        let inputProj: LinearTensors
        let posEmbed: TensorDeclaration
        let blocks: [TimmBlock.Tensors]
        let norm: LayerNormTensors
        let head0: LinearTensors
        let head2: LinearTensors

        init(_ scope: TensorScope, _ configuration: ModelConfiguration) {
            let width = configuration.semanticDecoder.hiddenSize
            inputProj = scope.linear("input_proj", outputs: width, inputs: configuration.semanticCodeSize)
            posEmbed = scope.tensor("pos_embed", shape: [configuration.patchCount, width])
            blocks = TimmBlock.Tensors.stack(scope, configuration.semanticDecoder)
            norm = scope.layerNorm("norm", width: width)
            head0 = scope.linear("head.0", outputs: width, inputs: width)
            head2 = scope.linear("head.2", outputs: configuration.siglip.stack.hiddenSize, inputs: width)
        }
    }

    let inputProj: LinearWeights
    let posEmbed: Matrix
    let blocks: [TimmBlock]
    let norm: LayerNorm
    let head0: LinearWeights
    let head2: LinearWeights

    init(_ weights: ModelWeightReader, _ tensors: Tensors, configuration: ModelConfiguration) throws {
        let stack = configuration.semanticDecoder
        inputProj = try weights.linear(tensors.inputProj)
        posEmbed = try weights.matrix(tensors.posEmbed)
        blocks = try TimmBlock.stack(weights, tensors.blocks, stack: stack)
        norm = try weights.layerNorm(tensors.norm, epsilon: stack.layerNormEpsilon)
        head0 = try weights.linear(tensors.head0)
        head2 = try weights.linear(tensors.head2)
    }

    /// `F_sem [B * rows * columns, C]` from the semantic code vectors `C_sem[i]` of `B`
    /// grids of one size, grid after grid.
    func callAsFunction(codes: Matrix, rows: Int, columns: Int) -> Matrix {
        var x = Gemm.linear(codes, inputProj).addingToEachBlock(PositionInterpolation.resize(posEmbed, rows: rows, columns: columns))
        for block in blocks { x = block(x, sequenceLength: rows * columns) }
        return Gemm.linear(Gemm.linear(norm(x), head0, then: .tanh), head2)
    }
}
