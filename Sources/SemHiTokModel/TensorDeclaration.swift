/// One tensor a model holds: its name in the weight container and its shape
/// (Spec/architecture.md section 4).
struct TensorDeclaration: Equatable, Sendable {
    let name: String
    let shape: [Int]

    /// Codebooks are the only tensors that must be stored as `f32`: the lookups' exact
    /// arithmetic starts from their stored values (Spec/quantization.md).
    var requiresFloat32: Bool { name.hasSuffix("codebook") }
}

/// The weight and bias of a linear layer or a patch-embedding convolution.
struct LinearTensors: Sendable {
    /// `[outputs, inputs]`, or `[outputs, 3, P, P]` for a convolution.
    let weight: TensorDeclaration
    /// `[outputs]`.
    let bias: TensorDeclaration
}

/// The scale and shift of a layer norm, `[width]` each.
struct LayerNormTensors: Sendable {
    let weight: TensorDeclaration
    let bias: TensorDeclaration
}
