/// The weight and bias of a linear layer, `y = x Wᵀ + b` (Spec/architecture.md section 2),
/// with `W [outputs, inputs]` packed once into a `PanelMatrix` for `Gemm`.
public final class LinearWeights: Sendable {
    /// Output channels.
    public let outputs: Int
    /// Input channels.
    public let inputs: Int
    /// The weight rows as panels, a whole number of `GemmKernel` tiles.
    let packed: PanelMatrix
    /// One vector per panel of `packed`: the bias, zero past `outputs` (and everywhere when
    /// the layer has none).
    let bias: [SIMD16<Float>]

    /// Packs `weight` (`outputs * inputs` floats, row-major `[outputs, inputs]`) and `bias`
    /// (`outputs` floats, or nil for none).
    public init(weight: [Float], bias: [Float]?, outputs: Int, inputs: Int) {
        precondition(weight.count == outputs * inputs && (bias?.count ?? outputs) == outputs, "LinearWeights: wrong sizes")
        self.outputs = outputs
        self.inputs = inputs
        packed = weight.withUnsafeBufferPointer {
            PanelMatrix($0, groupCount: 1, rowsPerGroup: outputs, rowLength: inputs, panelMultiple: GemmKernel.panels)
        }
        var lanes = [SIMD16<Float>](repeating: SIMD16(), count: packed.panelsPerGroup)
        for (output, value) in (bias ?? []).enumerated() {
            lanes[output / PanelMatrix.laneCount][output % PanelMatrix.laneCount] = value
        }
        self.bias = lanes
    }
}
