/// The weight and bias of a linear layer, `y = x Wᵀ + b` (Spec/architecture.md section 2),
/// with `W [outputs, inputs]` packed once into a `PanelMatrix` for `Gemm`.
public final class LinearWeights: Sendable {
    /// Output channels.
    public let outputs: Int
    /// Input channels.
    public let inputs: Int
    let packed: PanelMatrix
    /// `outputs` floats, zero when the layer has no bias.
    let bias: [Float]

    /// Packs `weight` (`outputs * inputs` floats, row-major `[outputs, inputs]`) and `bias`
    /// (`outputs` floats, or nil for none).
    public init(weight: [Float], bias: [Float]?, outputs: Int, inputs: Int) {
        precondition(weight.count == outputs * inputs && (bias?.count ?? outputs) == outputs, "LinearWeights: wrong sizes")
        self.outputs = outputs
        self.inputs = inputs
        self.bias = bias ?? [Float](repeating: 0, count: outputs)
        packed = weight.withUnsafeBufferPointer { PanelMatrix($0, groupCount: 1, rowsPerGroup: outputs, rowLength: inputs) }
    }
}
