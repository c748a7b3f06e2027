import Foundation

/// Multi-head self-attention over `[tokens, channels]` queries, keys and values
/// (Spec/architecture.md section 2): per head, `softmax(q kᵀ / sqrt(head size)) v`, the
/// heads concatenated by columns. The projections around it belong to the caller.
public enum Attention {
    /// The attention output `[tokens, channels]` for `heads` heads of `channels / heads`.
    public static func multiHead(queries: Matrix, keys: Matrix, values: Matrix, heads: Int) -> Matrix {
        let (tokens, channels) = (queries.rows, queries.columns)
        precondition(channels % heads == 0 && keys.columns == channels && values.columns == channels)
        let headSize = channels / heads
        let scale = Float(1 / Double(headSize).squareRoot())
        var output = [Float](repeating: 0, count: tokens * channels)
        for head in 0..<heads {
            let columns = (head * headSize)..<((head + 1) * headSize)
            let k = keys.columns(columns)
            let scores = Gemm.linear(queries.columns(columns),
                                     LinearWeights(weight: k.values, bias: nil, outputs: tokens, inputs: headSize))
            let weights = softmaxRows(scores, scale: scale)
            let v = values.columns(columns).transposed()
            let mixed = Gemm.linear(weights, LinearWeights(weight: v.values, bias: nil, outputs: headSize, inputs: tokens))
            for token in 0..<tokens {
                for d in 0..<headSize {
                    output[token * channels + head * headSize + d] = mixed.values[token * headSize + d]
                }
            }
        }
        return Matrix(rows: tokens, columns: channels, values: output)
    }

    /// `softmax(scale * row)` of every row, the exponentials and their sum in double precision.
    static func softmaxRows(_ scores: Matrix, scale: Float) -> Matrix {
        var output = [Float](repeating: 0, count: scores.values.count)
        for row in 0..<scores.rows {
            let scaled = scores.row(row).map { Double($0 * scale) }
            let largest = scaled.max() ?? 0
            let exponentials = scaled.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for (column, value) in exponentials.enumerated() {
                output[row * scores.columns + column] = Float(value / total)
            }
        }
        return Matrix(rows: scores.rows, columns: scores.columns, values: output)
    }
}
