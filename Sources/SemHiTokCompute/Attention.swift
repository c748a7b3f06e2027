/// Multi-head self-attention over `[tokens, channels]` queries, keys and values
/// (Spec/architecture.md section 2): per head, `softmax(q kᵀ / sqrt(head size)) v`, the
/// heads concatenated by columns. The projections around it belong to the caller.
///
/// Each (sequence, head) pair is computed whole by one thread in that thread's scratch
/// memory: its keys and values are packed straight into `GemmKernel` panels, then for each
/// block of queries the scores `q kᵀ` are one product, the softmax is taken in place, and
/// `weights v` is a second product whose rows are copied to the head's columns of the
/// output. The blocks bound the scores' memory to a block's rows, so memory grows with the
/// sequence length, not its square; each query's row is computed alone whatever the block,
/// so the blocking never changes a bit. Nothing is allocated per pair, and the result does
/// not depend on the thread count.
public enum Attention {
    /// The attention output `[tokens, channels]` for `heads` heads of `channels / heads`,
    /// where the rows are consecutive sequences of `sequenceLength` tokens (the images of a
    /// batch) that attend only within themselves.
    public static func multiHead(queries: Matrix, keys: Matrix, values: Matrix, heads: Int, sequenceLength: Int) -> Matrix {
        precondition(keys.rows == queries.rows && values.rows == queries.rows, "Attention: inputs differ in rows")
        precondition(keys.columns == queries.columns && values.columns == queries.columns, "Attention: inputs differ in width")
        guard queries.values.count > 0 else { return queries }
        return queries.values.withUnsafeBufferPointer { q in
            keys.values.withUnsafeBufferPointer { k in
                values.values.withUnsafeBufferPointer { v in
                    multiHead(Inputs(queries: SharedFloats(q), keys: SharedFloats(k), values: SharedFloats(v),
                                     rowStride: queries.columns),
                              tokens: queries.rows, channels: queries.columns, heads: heads, sequenceLength: sequenceLength)
                }
            }
        }
    }

    /// `multiHead(queries:keys:values:heads:sequenceLength:)` with the queries, keys and values
    /// side by side in the columns of one `[tokens, 3 channels]` matrix (a fused qkv projection).
    public static func multiHead(queriesKeysValues qkv: Matrix, heads: Int, sequenceLength: Int) -> Matrix {
        precondition(qkv.columns % 3 == 0, "Attention: \(qkv.columns) columns are not queries, keys and values")
        let channels = qkv.columns / 3
        guard qkv.values.count > 0 else { return Matrix(rows: qkv.rows, columns: channels) }
        return qkv.values.withUnsafeBufferPointer { buffer in
            let base = SharedFloats(buffer)
            return multiHead(Inputs(queries: base, keys: base.advanced(by: channels), values: base.advanced(by: 2 * channels),
                                    rowStride: qkv.columns),
                             tokens: qkv.rows, channels: channels, heads: heads, sequenceLength: sequenceLength)
        }
    }

    /// Where the queries, keys and values are: element `(token, c)` of each at
    /// `token * rowStride + c` from its base.
    private struct Inputs: Sendable {
        let queries: SharedFloats
        let keys: SharedFloats
        let values: SharedFloats
        let rowStride: Int
    }

    private static func multiHead(_ inputs: Inputs, tokens: Int, channels: Int, heads: Int, sequenceLength: Int) -> Matrix {
        precondition(heads > 0 && channels % heads == 0, "Attention: \(channels) channels for \(heads) heads")
        precondition(sequenceLength > 0 && tokens % sequenceLength == 0, "Attention: rows are not whole sequences")
        let layout = HeadLayout(length: sequenceLength, headSize: channels / heads)
        let units = (tokens / sequenceLength) * heads
        let work = units * sequenceLength * sequenceLength * layout.headSize
        let parts = work < Gemm.threadedWork ? 1 : min(ComputeThreads.count, units)
        let values = [Float](unsafeUninitializedCapacity: tokens * channels) { buffer, count in
            let output = SharedFloats(buffer)
            ThreadPool.shared.run(parts: parts) { part, scratch in
                let memory = scratch.floats(layout.scratchFloats)
                for unit in stride(from: part, to: units, by: parts) {
                    let (sequence, head) = unit.quotientAndRemainder(dividingBy: heads)
                    let offset = sequence * sequenceLength * inputs.rowStride + head * layout.headSize
                    attend(queries: inputs.queries.base + offset, keys: inputs.keys.base + offset,
                           values: inputs.values.base + offset, rowStride: inputs.rowStride,
                           into: output.base + sequence * sequenceLength * channels + head * layout.headSize,
                           outputStride: channels, layout: layout, scratch: memory)
                }
            }
            count = tokens * channels
        }
        return Matrix(rows: tokens, columns: channels, values: values)
    }

    /// The scratch memory of one (sequence, head) pair, in floats from a 64-byte-aligned base:
    /// first `GemmBlocks`' own scratch, then the regions below, each starting on a multiple
    /// of 16 floats so that the panels in it are aligned.
    private struct HeadLayout {
        /// Scores held at once, in floats: a block of queries has `scoreBudget / length`
        /// rows (at least 16), so sequences up to 1024 tokens take their queries in one block.
        static let scoreBudget = 1 << 20

        let length: Int
        let headSize: Int
        /// Queries whose scores are computed together.
        let queryBlock: Int
        /// `GemmKernel` panels of the keys (the outputs of `q kᵀ`, one lane per key) and of
        /// the values (the outputs of `weights v`, one lane per channel of the head).
        let keyPanels: Int
        let valuePanels: Int
        let keys: Int
        let values: Int
        let queries: Int
        let scores: Int
        let mixed: Int
        let zeroBias: Int
        let scratchFloats: Int

        init(length: Int, headSize: Int) {
            func wholePanels(_ count: Int) -> Int {
                let panels = (count + 15) / 16
                return (panels + GemmKernel.panels - 1) / GemmKernel.panels * GemmKernel.panels
            }
            func aligned(_ count: Int) -> Int { (count + 15) / 16 * 16 }
            self.length = length
            self.headSize = headSize
            queryBlock = min(length, max(16, Self.scoreBudget / length))
            keyPanels = wholePanels(length)
            valuePanels = wholePanels(headSize)
            keys = aligned(max(GemmBlocks.scratchFloats(inputs: headSize), GemmBlocks.scratchFloats(inputs: length)))
            values = keys + keyPanels * 16 * headSize
            queries = values + valuePanels * 16 * length
            scores = queries + aligned(queryBlock * headSize)
            mixed = scores + aligned(queryBlock * length)
            zeroBias = mixed + aligned(queryBlock * headSize)
            scratchFloats = zeroBias + 16 * max(keyPanels, valuePanels)
        }
    }

    /// One head of one sequence: `softmax(q kᵀ scale) v` for `q, k, v [length, headSize]`
    /// (rows `rowStride` apart), computed in `scratch` and written to `output` (rows
    /// `outputStride` apart).
    private static func attend(queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                               rowStride: Int, into output: UnsafeMutablePointer<Float>, outputStride: Int,
                               layout: HeadLayout, scratch: UnsafeMutablePointer<Float>) {
        let (length, headSize) = (layout.length, layout.headSize)
        let keyPanels = scratch + layout.keys
        let valuePanels = scratch + layout.values
        let packedQueries = scratch + layout.queries
        let scores = scratch + layout.scores
        let mixed = scratch + layout.mixed
        let zeroBias = scratch + layout.zeroBias

        // Keys: panel p holds, for each channel k, keys 16 p ..< 16 p + 16 as lanes.
        keyPanels.initialize(repeating: 0, count: layout.keyPanels * 16 * headSize)
        for token in 0..<length {
            let (panel, lane) = token.quotientAndRemainder(dividingBy: 16)
            let row = keys + token * rowStride
            for k in 0..<headSize { keyPanels[(panel * headSize + k) * 16 + lane] = row[k] }
        }
        // Values: panel p holds, for each key token, channels 16 p ..< 16 p + 16 as lanes.
        valuePanels.initialize(repeating: 0, count: layout.valuePanels * 16 * length)
        for panel in 0..<((headSize + 15) / 16) {
            let width = min(16, headSize - panel * 16)
            for token in 0..<length {
                (valuePanels + (panel * length + token) * 16).update(from: values + token * rowStride + panel * 16, count: width)
            }
        }
        zeroBias.initialize(repeating: 0, count: 16 * max(layout.keyPanels, layout.valuePanels))
        let bias = UnsafeRawPointer(zeroBias).assumingMemoryBound(to: SIMD16<Float>.self)
        let scale = Float(1 / Double(headSize).squareRoot())

        for first in stride(from: 0, to: length, by: layout.queryBlock) {
            let rows = min(layout.queryBlock, length - first)
            for row in 0..<rows {
                (packedQueries + row * headSize).update(from: queries + (first + row) * rowStride, count: headSize)
            }
            let scoreProblem = GemmProblem(x: packedQueries, rows: rows, inputs: headSize,
                                           panels: UnsafeRawPointer(keyPanels).assumingMemoryBound(to: SIMD16<Float>.self),
                                           outputs: length, bias: bias, y: scores)
            GemmBlocks.compute(scoreProblem, rows: 0..<rows, tiles: 0..<scoreProblem.tileCount, scratch: scratch)
            for row in 0..<rows { softmax(scores + row * length, count: length, scale: scale) }
            let mixProblem = GemmProblem(x: scores, rows: rows, inputs: length,
                                         panels: UnsafeRawPointer(valuePanels).assumingMemoryBound(to: SIMD16<Float>.self),
                                         outputs: headSize, bias: bias, y: mixed)
            GemmBlocks.compute(mixProblem, rows: 0..<rows, tiles: 0..<mixProblem.tileCount, scratch: scratch)
            for row in 0..<rows {
                (output + (first + row) * outputStride).update(from: mixed + row * headSize, count: headSize)
            }
        }
    }

    /// `softmax(scale * row)` of one row of `count` scores, in place, in float32
    /// (Spec/architecture.md section 2.1): `v = scale * s`, `e = exp(v - max v)`, the sum of
    /// `e` taken as 16 running sums (lane `l` adds the elements `l, l + 16, ...` in order)
    /// then added lane 0 to 15, and `e / sum`.
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int, scale: Float) {
        // The largest value is the same in any order, but for the sign of a zero, which
        // `v - max v` does not see; sixteen lanes at a time it costs a sixteenth.
        var maxima = SIMD16<Float>(repeating: -.infinity)
        var c = 0
        while c + 16 <= count {
            maxima = pointwiseMax(maxima, UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<Float>.self) * scale)
            c += 16
        }
        var largest = maxima.max()
        while c < count {
            largest = max(largest, row[c] * scale)
            c += 1
        }
        var sums = SIMD16<Float>()
        for start in stride(from: 0, to: count, by: 16) {
            let width = min(16, count - start)
            var lanes = SIMD16<Float>(repeating: -.infinity)
            if width == 16 {
                lanes = UnsafeRawPointer(row + start).loadUnaligned(as: SIMD16<Float>.self) * scale
            } else {
                for lane in 0..<width { lanes[lane] = row[start + lane] * scale }
            }
            let e = VectorMath.exp(lanes - largest)
            sums += e
            if width == 16 {
                UnsafeMutableRawPointer(row + start).storeBytes(of: e, as: SIMD16<Float>.self)
            } else {
                for lane in 0..<width { row[start + lane] = e[lane] }
            }
        }
        var total: Float = 0
        for lane in 0..<16 { total += sums[lane] }
        for c in 0..<count { row[c] = row[c] / total }
    }
}
