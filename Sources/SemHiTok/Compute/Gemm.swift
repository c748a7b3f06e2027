/// Matrix products with the weights of a linear layer: `y[n, o] = (Σ_k x[n, k] W[o, k]) + b[o]`,
/// the sum over `k` taken in order from +0 and the bias added last, so every output
/// element is the same for any batch or blocking (Spec/architecture.md section 2).
///
/// Rows of `x` go four at a time through `PanelKernels.dot4` against each 16-output panel.
/// A later issue blocks this for the caches and spreads it over threads; callers depend
/// only on `Gemm.linear`.
public enum Gemm {
    /// `x Wᵀ + b` for `x [rows, inputs]`; the result is `[rows, outputs]`.
    public static func linear(_ x: Matrix, _ layer: LinearWeights) -> Matrix {
        precondition(x.columns == layer.inputs, "Gemm.linear: \(x.columns) columns for \(layer.inputs) inputs")
        var output = [Float](repeating: 0, count: x.rows * layer.outputs)
        x.values.withUnsafeBufferPointer { input in
            layer.bias.withUnsafeBufferPointer { bias in
                output.withUnsafeMutableBufferPointer { result in
                    multiply(input.baseAddress!, rows: x.rows, inputs: layer.inputs, panels: layer.packed.panels,
                             outputs: layer.outputs, bias: bias.baseAddress!, into: result.baseAddress!)
                }
            }
        }
        return Matrix(rows: x.rows, columns: layer.outputs, values: output)
    }

    // Kept out of line: the SIMD loops vectorise reliably only as a function of their own
    // (see Benchmarks/README.md).
    @inline(never)
    static func multiply(_ x: UnsafePointer<Float>, rows: Int, inputs: Int, panels: UnsafePointer<SIMD16<Float>>,
                         outputs: Int, bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let panelCount = (outputs + 15) / 16
        var row = 0
        while row + 4 <= rows {
            for panel in 0..<panelCount {
                let (a0, a1, a2, a3) = PanelKernels.dot4(x + row * inputs, stride: inputs, panels + panel * inputs, length: inputs)
                store(a0, row: row, panel: panel, outputs: outputs, bias: bias, into: y)
                store(a1, row: row + 1, panel: panel, outputs: outputs, bias: bias, into: y)
                store(a2, row: row + 2, panel: panel, outputs: outputs, bias: bias, into: y)
                store(a3, row: row + 3, panel: panel, outputs: outputs, bias: bias, into: y)
            }
            row += 4
        }
        while row < rows {
            for panel in 0..<panelCount {
                store(PanelKernels.dot1(x + row * inputs, panels + panel * inputs, length: inputs),
                      row: row, panel: panel, outputs: outputs, bias: bias, into: y)
            }
            row += 1
        }
    }

    /// Writes the lanes of `sums` that hold outputs, each plus its bias.
    @inline(__always)
    private static func store(_ sums: SIMD16<Float>, row: Int, panel: Int, outputs: Int,
                              bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let first = panel * 16
        let destination = y + row * outputs + first
        for lane in 0..<min(16, outputs - first) {
            destination[lane] = sums[lane] + bias[first + lane]
        }
    }
}
