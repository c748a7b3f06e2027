import Foundation

/// The element-wise functions of the model (Spec/architecture.md section 2), each computed
/// in double precision and rounded once to float32.
public enum Activations {
    /// `0.5 x (1 + erf(x / sqrt(2)))`: the exact GELU of the timm blocks.
    public static func gelu(_ x: Matrix) -> Matrix {
        map(x) { (value: Double) -> Double in
            let inverseSqrt2 = 1 / 2.0.squareRoot()
            return 0.5 * value * (1 + erf(value * inverseSqrt2))
        }
    }

    /// `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`: SigLIP's `gelu_pytorch_tanh`.
    public static func geluTanh(_ x: Matrix) -> Matrix {
        map(x) { (value: Double) -> Double in
            let inner = (2 / Double.pi).squareRoot() * (value + 0.044715 * value * value * value)
            return 0.5 * value * (1 + Foundation.tanh(inner))
        }
    }

    /// The hyperbolic tangent of every element.
    public static func tanh(_ x: Matrix) -> Matrix {
        map(x) { Foundation.tanh($0) }
    }

    private static func map(_ x: Matrix, _ function: (Double) -> Double) -> Matrix {
        Matrix(rows: x.rows, columns: x.columns, values: x.values.map { Float(function(Double($0))) })
    }
}
