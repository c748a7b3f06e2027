/// The element-wise functions of the model (Spec/architecture.md section 2.1), in float32
/// with the pure-Swift `VectorMath` functions, 16 elements at a time.
public enum Activations {
    /// `0.5 x (1 + erf(x / sqrt(2)))`: the exact GELU of the timm blocks.
    public static func gelu(_ x: Matrix) -> Matrix {
        map(x) { value in 0.5 * value * (1 + VectorMath.erf(value * 0.707106769)) }
    }

    /// `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`: SigLIP's `gelu_pytorch_tanh`.
    public static func geluTanh(_ x: Matrix) -> Matrix {
        map(x) { value in
            let cube = value * value * value
            return 0.5 * value * (1 + VectorMath.tanh(0.797884583 * (value + 0.044715 * cube)))
        }
    }

    /// The hyperbolic tangent of every element.
    public static func tanh(_ x: Matrix) -> Matrix {
        map(x, VectorMath.tanh)
    }

    /// `function` applied to every element, 16 at a time; a last partial group is padded
    /// with zeros, whose results are dropped.
    private static func map(_ x: Matrix, _ function: (SIMD16<Float>) -> SIMD16<Float>) -> Matrix {
        let count = x.values.count
        var output = [Float](repeating: 0, count: count)
        x.values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { result in
                var start = 0
                while start + 16 <= count {
                    let lanes = UnsafeRawPointer(input.baseAddress! + start).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(result.baseAddress! + start).storeBytes(of: function(lanes), as: SIMD16<Float>.self)
                    start += 16
                }
                if start < count {
                    var lanes = SIMD16<Float>()
                    for lane in 0..<(count - start) { lanes[lane] = input[start + lane] }
                    let values = function(lanes)
                    for lane in 0..<(count - start) { result[start + lane] = values[lane] }
                }
            }
        }
        return Matrix(rows: x.rows, columns: x.columns, values: output)
    }
}
