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
    public convenience init(weight: UnsafeBufferPointer<Float>, bias: [Float]?, outputs: Int, inputs: Int) {
        self.init(packed: Self.pack(weight, outputs: outputs, inputs: inputs), bias: bias)
    }

    /// Packs `weight` (`outputs * inputs` floats, row-major `[outputs, inputs]`) and `bias`
    /// (`outputs` floats, or nil for none).
    public convenience init(weight: [Float], bias: [Float]?, outputs: Int, inputs: Int) {
        self.init(packed: weight.withUnsafeBufferPointer { Self.pack($0, outputs: outputs, inputs: inputs) }, bias: bias)
    }

    private init(packed: PanelMatrix, bias: [Float]?) {
        let outputs = packed.rowsPerGroup
        precondition((bias?.count ?? outputs) == outputs, "LinearWeights: wrong bias size")
        self.outputs = outputs
        inputs = packed.rowLength
        self.packed = packed
        var lanes = [SIMD16<Float>](repeating: SIMD16(), count: packed.panelsPerGroup)
        for (output, value) in (bias ?? []).enumerated() {
            lanes[output / PanelMatrix.laneCount][output % PanelMatrix.laneCount] = value
        }
        self.bias = lanes
    }

    private static func pack(_ weight: UnsafeBufferPointer<Float>, outputs: Int, inputs: Int) -> PanelMatrix {
        precondition(weight.count == outputs * inputs, "LinearWeights: wrong weight size")
        return PanelMatrix(weight, groupCount: 1, rowsPerGroup: outputs, rowLength: inputs, panelMultiple: GemmKernel.panels)
    }
}
