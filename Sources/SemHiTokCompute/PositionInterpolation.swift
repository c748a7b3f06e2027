import Foundation

/// Resizing a grid of position embeddings to another grid (Spec/architecture.md section 2,
/// `interpolate`): bicubic convolution with `a = -0.75`, half-pixel centres and clamped
/// borders, the arithmetic of `torch.nn.functional.interpolate(mode="bicubic",
/// align_corners=False)`, here in double precision.
public enum PositionInterpolation {
    /// `embedding [side * side, C]`, a square grid in row-major order, resized to
    /// `[rows * columns, C]`; returned unchanged when the grid is already that size.
    public static func resize(_ embedding: Matrix, rows: Int, columns: Int) -> Matrix {
        let side = Int(Double(embedding.rows).squareRoot().rounded())
        precondition(side * side == embedding.rows, "PositionInterpolation: not a square grid")
        if rows == side && columns == side { return embedding }
        let vertical = taps(from: side, to: rows)
        let horizontal = taps(from: side, to: columns)
        let channels = embedding.columns
        var output = [Float](repeating: 0, count: rows * columns * channels)
        for y in 0..<rows {
            for x in 0..<columns {
                for c in 0..<channels {
                    var sum = 0.0
                    for (sourceY, weightY) in vertical[y] {
                        var rowSum = 0.0
                        for (sourceX, weightX) in horizontal[x] {
                            rowSum += weightX * Double(embedding.values[(sourceY * side + sourceX) * channels + c])
                        }
                        sum += weightY * rowSum
                    }
                    output[(y * columns + x) * channels + c] = Float(sum)
                }
            }
        }
        return Matrix(rows: rows * columns, columns: channels, values: output)
    }

    /// For each output position, the four source positions (clamped to the grid) and their
    /// cubic-convolution weights.
    static func taps(from input: Int, to output: Int) -> [[(Int, Double)]] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { position in
            let source = scale * (Double(position) + 0.5) - 0.5
            let base = Int(source.rounded(.down))
            let t = source - Double(base)
            let weights = [cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)]
            return (0..<4).map { tap in (min(max(base - 1 + tap, 0), input - 1), weights[tap]) }
        }
    }

    private static let a = -0.75

    /// The kernel for distances up to 1.
    private static func cubicNear(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }

    /// The kernel for distances from 1 to 2.
    private static func cubicFar(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
}
