/// Multi-head self-attention over `[tokens, channels]` queries, keys and values
/// (Spec/architecture.md section 2): per head, `softmax(q kᵀ / sqrt(head size)) v`, the
/// heads concatenated by columns. The projections around it belong to the caller.
public enum Attention {
    /// The attention output `[tokens, channels]` for `heads` heads of `channels / heads`,
    /// where the rows are consecutive sequences of `sequenceLength` tokens (the images of a
    /// batch) that attend only within themselves. The (sequence, head) pairs are shared out
    /// over `ComputeThreads.count` threads; each is computed whole by one thread, so the
    /// result does not depend on the thread count.
    public static func multiHead(queries: Matrix, keys: Matrix, values: Matrix, heads: Int, sequenceLength: Int) -> Matrix {
        let (tokens, channels) = (queries.rows, queries.columns)
        precondition(channels % heads == 0 && keys.columns == channels && values.columns == channels)
        precondition(sequenceLength > 0 && tokens % sequenceLength == 0, "Attention: rows are not whole sequences")
        let headSize = channels / heads
        let scale = Float(1 / Double(headSize).squareRoot())
        let units = (tokens / sequenceLength) * heads
        let work = units * sequenceLength * sequenceLength * headSize
        let parts = work < Gemm.threadedWork ? 1 : min(ComputeThreads.count, units)
        var output = [Float](repeating: 0, count: tokens * channels)
        output.withUnsafeMutableBufferPointer { buffer in
            let destination = DisjointRows(base: buffer.baseAddress!)
            ThreadPool.shared.run(parts: parts) { part, _ in
                for unit in stride(from: part, to: units, by: parts) {
                    let (sequence, head) = unit.quotientAndRemainder(dividingBy: heads)
                    let rows = (sequence * sequenceLength)..<((sequence + 1) * sequenceLength)
                    let columns = (head * headSize)..<((head + 1) * headSize)
                    let mixed = attend(queries.rows(rows).columns(columns), keys.rows(rows).columns(columns),
                                       values.rows(rows).columns(columns), scale: scale)
                    for token in 0..<sequenceLength {
                        for d in 0..<headSize {
                            destination.base[(rows.lowerBound + token) * channels + columns.lowerBound + d] =
                                mixed.values[token * headSize + d]
                        }
                    }
                }
            }
        }
        return Matrix(rows: tokens, columns: channels, values: output)
    }

    /// The output buffer, shared by the threads of `multiHead`: each (sequence, head) pair
    /// writes only its own rows and columns, so no element is written twice.
    private struct DisjointRows: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
    }

    /// One head of one sequence: `softmax(q kᵀ scale) v` for `q, k, v [tokens, headSize]`.
    static func attend(_ q: Matrix, _ k: Matrix, _ v: Matrix, scale: Float) -> Matrix {
        let scores = Gemm.linear(q, LinearWeights(weight: k.values, bias: nil, outputs: k.rows, inputs: k.columns))
        let weights = softmaxRows(scores, scale: scale)
        let vT = v.transposed()
        return Gemm.linear(weights, LinearWeights(weight: vT.values, bias: nil, outputs: vT.rows, inputs: vT.columns))
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
