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

    /// `softmax(scale * row)` of every row, in float32 (Spec/architecture.md section 2.1):
    /// `v = scale * s`, `e = exp(v - max v)`, the sum of `e` taken as 16 running sums (lane
    /// `l` adds the elements `l, l + 16, ...` in order) then added lane 0 to 15, and `e / sum`.
    static func softmaxRows(_ scores: Matrix, scale: Float) -> Matrix {
        let columns = scores.columns
        var output = [Float](repeating: 0, count: scores.values.count)
        var exponentials = [SIMD16<Float>](repeating: SIMD16(), count: (columns + 15) / 16)
        scores.values.withUnsafeBufferPointer { input in
            for row in 0..<scores.rows {
                let values = input.baseAddress! + row * columns
                var largest = -Float.infinity
                for c in 0..<columns { largest = max(largest, values[c] * scale) }
                var sums = SIMD16<Float>()
                for group in exponentials.indices {
                    var lanes = SIMD16<Float>(repeating: -.infinity)
                    for lane in 0..<min(16, columns - group * 16) { lanes[lane] = values[group * 16 + lane] * scale }
                    exponentials[group] = VectorMath.exp(lanes - largest)
                    sums += exponentials[group]
                }
                var total: Float = 0
                for lane in 0..<16 { total += sums[lane] }
                for c in 0..<columns { output[row * columns + c] = exponentials[c / 16][c % 16] / total }
            }
        }
        return Matrix(rows: scores.rows, columns: columns, values: output)
    }
}
