/// The element-wise functions of the model (Spec/architecture.md section 2.1), in float32
/// with the pure-Swift `VectorMath` functions, 16 elements at a time.
public enum Activation: Sendable {
    /// `0.5 x (1 + erf(x / sqrt(2)))`: the exact GELU of the timm blocks.
    case gelu
    /// `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`: SigLIP's `gelu_pytorch_tanh`.
    case geluTanh
    /// The hyperbolic tangent.
    case tanh

    /// The function of each of 16 values.
    @inline(__always)
    func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .gelu: Self.gelu(x)
        case .geluTanh: Self.geluTanh(x)
        case .tanh: VectorMath.tanh(x)
        }
    }

    /// The function of every element of `x`, in blocks of rows on the compute threads.
    public func callAsFunction(_ x: Matrix) -> Matrix {
        switch self {
        case .gelu: Self.map(x, Self.gelu)
        case .geluTanh: Self.map(x, Self.geluTanh)
        case .tanh: Self.map(x, VectorMath.tanh)
        }
    }

    private static func gelu(_ x: SIMD16<Float>) -> SIMD16<Float> {
        0.5 * x * (1 + VectorMath.erf(x * 0.707106769))
    }

    private static func geluTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let cube = x * x * x
        return 0.5 * x * (1 + VectorMath.tanh(0.797884583 * (x + 0.044715 * cube)))
    }

    /// `function` applied to every element, 16 at a time; a block's last partial group is
    /// padded with zeros, whose results are dropped.
    private static func map(_ x: Matrix, _ function: @Sendable (SIMD16<Float>) -> SIMD16<Float>) -> Matrix {
        let columns = x.columns
        guard x.values.count > 0 else { return x }
        let values = [Float](unsafeUninitializedCapacity: x.values.count) { result, count in
            x.values.withUnsafeBufferPointer { input in
                let (source, destination) = (SharedFloats(input), SharedFloats(result))
                RowParallel.forEachBlock(rows: x.rows, workPerRow: columns) { rows in
                    let input = source.base + rows.lowerBound * columns
                    let output = destination.base + rows.lowerBound * columns
                    let count = rows.count * columns
                    var start = 0
                    while start + 16 <= count {
                        let lanes = UnsafeRawPointer(input + start).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(output + start).storeBytes(of: function(lanes), as: SIMD16<Float>.self)
                        start += 16
                    }
                    if start < count {
                        var lanes = SIMD16<Float>()
                        for lane in 0..<(count - start) { lanes[lane] = input[start + lane] }
                        let values = function(lanes)
                        for lane in 0..<(count - start) { output[start + lane] = values[lane] }
                    }
                }
            }
            count = x.values.count
        }
        return Matrix(rows: x.rows, columns: columns, values: values)
    }
}
