import Testing
@testable import SemHiTok
import TestSupport

/// `Gemm.linear` against the definition: for every output, the sum over `k` in order from
/// +0 of separately rounded products, then the bias.
struct GemmTests {
    @Test func matchesTheSequentialDefinitionBitForBit() {
        var generator = SplitMix64(seed: 31)
        for (rows, inputs, outputs) in [(1, 1, 1), (3, 5, 7), (4, 16, 16), (5, 17, 15), (9, 33, 40), (13, 64, 100), (37, 40, 1)] {
            let x = Matrix(rows: rows, columns: inputs, values: (0..<(rows * inputs)).map { _ in generator.float(in: -3...3) })
            let weight = (0..<(outputs * inputs)).map { _ in generator.float(in: -1...1) }
            let bias = (0..<outputs).map { _ in generator.float(in: -1...1) }
            let y = Gemm.linear(x, LinearWeights(weight: weight, bias: bias, outputs: outputs, inputs: inputs))
            var expected = [Float]()
            for n in 0..<rows {
                for o in 0..<outputs {
                    var sum: Float = 0
                    for k in 0..<inputs { sum = sum + x.values[n * inputs + k] * weight[o * inputs + k] }
                    expected.append(sum + bias[o])
                }
            }
            #expect(y.rows == rows && y.columns == outputs)
            #expect(y.values.map(\.bitPattern) == expected.map(\.bitPattern), "\(rows) x \(inputs) -> \(outputs)")
        }
    }

    /// A row's result does not depend on which other rows are in the batch.
    @Test func rowsDoNotDependOnTheirNeighbours() {
        var generator = SplitMix64(seed: 32)
        let (inputs, outputs) = (24, 20)
        let layer = LinearWeights(weight: (0..<(outputs * inputs)).map { _ in generator.float(in: -1...1) }, bias: nil,
                                  outputs: outputs, inputs: inputs)
        let batch = Matrix(rows: 7, columns: inputs, values: (0..<(7 * inputs)).map { _ in generator.float(in: -1...1) })
        let whole = Gemm.linear(batch, layer)
        for row in 0..<7 {
            let single = Gemm.linear(Matrix(rows: 1, columns: inputs, values: Array(batch.row(row))), layer)
            #expect(single.values == Array(whole.row(row)))
        }
    }
}
