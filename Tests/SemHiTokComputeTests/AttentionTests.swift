import SemHiTok
@testable import SemHiTokCompute
import TestSupport
import Testing

/// `Attention.multiHead` against the Spec's definition (Spec/architecture.md sections 2 and
/// 2.1) written as plain loops: per sequence and head, every score an in-order dot product,
/// the softmax with its 16 running sums, and every output an in-order sum over the keys.
struct AttentionTests {
    /// Random queries, keys and values of `sequences` sequences of `length` tokens.
    struct Case {
        let length, sequences, heads, channels: Int
        let queries, keys, values: Matrix

        init(length: Int, sequences: Int, heads: Int, headSize: Int, seed: UInt64) {
            var generator = SplitMix64(seed: seed)
            (self.length, self.sequences, self.heads, channels) = (length, sequences, heads, heads * headSize)
            func random(_ generator: inout SplitMix64) -> Matrix {
                Matrix(rows: length * sequences, columns: heads * headSize,
                       values: (0..<(length * sequences * heads * headSize)).map { _ in generator.float(in: -2...2) })
            }
            (queries, keys, values) = (random(&generator), random(&generator), random(&generator))
        }

        /// The definition, as bit patterns.
        var naive: [UInt32] {
            let headSize = channels / heads
            let scale = Float(1 / Double(headSize).squareRoot())
            var output = [Float](repeating: 0, count: length * sequences * channels)
            for sequence in 0..<sequences {
                for head in 0..<heads {
                    func element(_ m: Matrix, _ token: Int, _ d: Int) -> Float {
                        m.values[(sequence * length + token) * channels + head * headSize + d]
                    }
                    for query in 0..<length {
                        let scores = (0..<length).map { key in
                            scale * (ReferenceArithmetic.productSum(count: headSize, { element(queries, query, $0) },
                                                                    { element(keys, key, $0) }) + 0)
                        }
                        let largest = scores.max()!
                        let exponentials = scores.map { VectorMath.exp(SIMD16(repeating: $0 - largest))[0] }
                        var sums = [Float](repeating: 0, count: 16)
                        for (index, e) in exponentials.enumerated() { sums[index % 16] = sums[index % 16] + e }
                        let total = sums.reduce(0, +)
                        let weights = exponentials.map { $0 / total }
                        for d in 0..<headSize {
                            output[(sequence * length + query) * channels + head * headSize + d] =
                                ReferenceArithmetic.productSum(count: length, { weights[$0] }, { element(values, $0, d) }) + 0
                        }
                    }
                }
            }
            return output.map(\.bitPattern)
        }

        func check() {
            let result = Attention.multiHead(queries: queries, keys: keys, values: values, heads: heads, sequenceLength: length)
            #expect(result.rows == length * sequences && result.columns == channels)
            #expect(result.values.map(\.bitPattern) == naive, "\(sequences) x \(length) tokens, \(heads) heads of \(channels / heads)")
        }
    }

    /// Lengths and head sizes on and off every multiple of 16 and of the 64-lane tile.
    @Test(arguments: [(1, 1, 1, 1), (5, 1, 2, 3), (16, 2, 1, 16), (37, 1, 3, 24), (64, 1, 2, 64), (65, 2, 2, 72)])
    func matchesTheDefinitionBitForBit(length: Int, sequences: Int, heads: Int, headSize: Int) {
        Case(length: length, sequences: sequences, heads: heads, headSize: headSize, seed: UInt64(length * 100 + headSize)).check()
    }

    /// Enough work to be shared out over the threads: each (sequence, head) pair still
    /// matches the definition.
    @Test func threadedAttentionMatchesTheDefinition() {
        Case(length: 100, sequences: 3, heads: 4, headSize: 40, seed: 41).check()
    }

    /// A sequence longer than 1024 tokens takes its queries in blocks (1,040 tokens: blocks
    /// of 2^20 / 1040 = 1008 and 32 queries); every query's row still matches the definition.
    @Test func longSequencesInQueryBlocksMatchTheDefinition() {
        Case(length: 1040, sequences: 1, heads: 1, headSize: 2, seed: 43).check()
    }

    /// Queries, keys and values side by side in one fused matrix give the same result.
    @Test func fusedQueriesKeysValuesGiveTheSameResult() {
        let separate = Case(length: 30, sequences: 2, heads: 3, headSize: 20, seed: 42)
        var fused = [Float]()
        for token in 0..<separate.queries.rows {
            for part in [separate.queries, separate.keys, separate.values] { fused += part.row(token) }
        }
        let result = Attention.multiHead(queriesKeysValues: Matrix(rows: separate.queries.rows, columns: 3 * separate.channels,
                                                                   values: fused),
                                         heads: separate.heads, sequenceLength: separate.length)
        #expect(result.values.map(\.bitPattern) == separate.naive)
    }
}
