import SemHiTokCompute

/// The semantic quantizer's task layers (Spec/architecture.md section 3.2): SigLIP's
/// features through `proj.0`, Tanh and `proj.2` down to the code dimension, `z_sem [N, D_q]`
/// before normalisation.
struct SemanticProjection: Sendable {
    /// `proj.0 [D_p, C]` and `proj.2 [D_q, D_p]`.
    struct Tensors: Sendable {
        let proj0: LinearTensors
        let proj2: LinearTensors

        init(_ scope: TensorScope, _ configuration: ModelConfiguration) {
            proj0 = scope.linear("proj.0", outputs: configuration.semanticProjectionSize, inputs: configuration.siglip.stack.hiddenSize)
            proj2 = scope.linear("proj.2", outputs: configuration.semanticCodeSize, inputs: configuration.semanticProjectionSize)
        }
    }

    let proj0: LinearWeights
    let proj2: LinearWeights

    init(_ weights: ModelWeightReader, _ tensors: Tensors) throws {
        proj0 = try weights.linear(tensors.proj0)
        proj2 = try weights.linear(tensors.proj2)
    }

    /// `z_sem [rows, D_q]` of `F_sig [rows, C]`.
    func callAsFunction(_ siglipFeatures: Matrix) -> Matrix {
        Gemm.linear(Gemm.linear(siglipFeatures, proj0, then: .tanh), proj2)
    }
}
