import Foundation
import SemHiTok
@testable import SemHiTokCompute
import TestSupport
import Testing

/// `Gemm.linear` against the definition: for every output, the sum over `k` in order from
/// +0 of separately rounded products, then the bias. Expected values come from the naive
/// loop in `naive`, never from the code under test.
struct GemmTests {
    /// A random product: the input, the weight rows and the bias.
    struct Case {
        let rows, inputs, outputs: Int
        let x: Matrix
        let weight: [Float]
        let bias: [Float]?
        let layer: LinearWeights

        init(rows: Int, inputs: Int, outputs: Int, withBias: Bool = true, generator: inout SplitMix64) {
            (self.rows, self.inputs, self.outputs) = (rows, inputs, outputs)
            x = Matrix(rows: rows, columns: inputs, values: (0..<(rows * inputs)).map { _ in generator.float(in: -3...3) })
            weight = (0..<(outputs * inputs)).map { _ in generator.float(in: -1...1) }
            bias = withBias ? (0..<outputs).map { _ in generator.float(in: -1...1) } : nil
            layer = LinearWeights(weight: weight, bias: bias, outputs: outputs, inputs: inputs)
        }

        /// The definition, as bit patterns.
        var naive: [UInt32] {
            var expected = [UInt32]()
            expected.reserveCapacity(rows * outputs)
            x.values.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    for n in 0..<rows {
                        for o in 0..<outputs {
                            let sum = ReferenceArithmetic.productSum(count: inputs, { x[n * inputs + $0] }, { w[o * inputs + $0] })
                            expected.append((sum + (bias?[o] ?? 0)).bitPattern)
                        }
                    }
                }
            }
            return expected
        }

        func check(threads: Int = 1) {
            let y = Gemm.linear(x, layer, threads: threads)
            #expect(y.rows == rows && y.columns == outputs)
            #expect(y.values.map(\.bitPattern) == naive, "\(rows) x \(inputs) -> \(outputs) on \(threads) threads")
        }
    }

    /// Every number of rows and outputs from 1 to 40, for several depths: every edge of the
    /// 64-output tile.
    @Test(arguments: [1, 3, 17, 40])
    func everyRaggedShapeMatchesTheDefinitionBitForBit(inputs: Int) {
        var generator = SplitMix64(seed: 31 + UInt64(inputs))
        for rows in 1...40 {
            for outputs in 1...40 {
                Case(rows: rows, inputs: inputs, outputs: outputs, generator: &generator).check()
            }
        }
    }

    /// Every depth from 1 to 40 for several shapes.
    @Test func everyDepthMatchesTheDefinitionBitForBit() {
        var generator = SplitMix64(seed: 30)
        for (rows, outputs) in [(1, 1), (2, 31), (3, 32), (4, 33), (7, 17), (40, 40)] {
            for inputs in 1...40 {
                Case(rows: rows, inputs: inputs, outputs: outputs, generator: &generator).check()
            }
        }
    }

    /// Shapes spanning several blocks of rows, of `k` and of tiles at once, an odd last
    /// panel, with and without a bias, and the tall-thin shapes of a ViT's first and last
    /// layers.
    @Test func largeShapesMatchTheDefinitionBitForBit() {
        var generator = SplitMix64(seed: 33)
        Case(rows: 301, inputs: 400, outputs: 90, generator: &generator).check()
        Case(rows: 130, inputs: 200, outputs: 600, generator: &generator).check()
        Case(rows: 145, inputs: 385, outputs: 48, withBias: false, generator: &generator).check()
        Case(rows: 257, inputs: 33, outputs: 4304, generator: &generator).check(threads: 2)
        Case(rows: 20, inputs: 1152, outputs: 200, generator: &generator).check(threads: 2)
    }

    /// The thread count never changes a bit, whether the product is split by rows or, with
    /// few rows, by outputs.
    @Test(arguments: [1, 2, 3, 16])
    func threadCountsGiveIdenticalResults(threads: Int) {
        var generator = SplitMix64(seed: 34)
        Case(rows: 150, inputs: 200, outputs: 80, generator: &generator).check(threads: threads)
        Case(rows: 5, inputs: 100, outputs: 4304, generator: &generator).check(threads: threads)
    }

    /// Products computed at once from several threads (the pool runs one at a time and the
    /// others on their own threads) still match the definition.
    @Test func concurrentCallersGetCorrectResults() async {
        var generator = SplitMix64(seed: 35)
        let product = Case(rows: 100, inputs: 150, outputs: 160, generator: &generator)
        let expected = product.naive
        await withTaskGroup(of: [UInt32].self) { group in
            for _ in 0..<4 { group.addTask { Gemm.linear(product.x, product.layer, threads: 2).values.map(\.bitPattern) } }
            for await values in group { #expect(values == expected) }
        }
    }

    /// The bias is added after the whole sum: added first, `1e8 + 1` would survive as 1.
    @Test func biasIsAddedLast() {
        let layer = LinearWeights(weight: [1, 1], bias: [-1e8], outputs: 1, inputs: 2)
        let y = Gemm.linear(Matrix(rows: 1, columns: 2, values: [1e8, 1]), layer)
        #expect(y.values == [0])
    }

    /// With no inputs, every row is the bias; with no rows or outputs, the result is empty.
    @Test func degenerateShapes() {
        let layer = LinearWeights(weight: [], bias: [1, -2, 3], outputs: 3, inputs: 0)
        #expect(Gemm.linear(Matrix(rows: 2, columns: 0), layer).values == [1, -2, 3, 1, -2, 3])
        #expect(Gemm.linear(Matrix(rows: 0, columns: 0), layer).values.isEmpty)
        let none = LinearWeights(weight: [], bias: nil, outputs: 0, inputs: 4)
        #expect(Gemm.linear(Matrix(rows: 3, columns: 4), none).rows == 3)
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

    /// A residual added as each output is finished is the same as adding it afterwards:
    /// `residual + (Σ + b)`, one rounding, on every edge of a tile.
    @Test func residualEpilogueAddsAfterTheBias() {
        var generator = SplitMix64(seed: 36)
        for (rows, inputs, outputs) in [(1, 5, 1), (3, 97, 70), (130, 200, 64), (9, 40, 4304)] {
            let product = Case(rows: rows, inputs: inputs, outputs: outputs, generator: &generator)
            let residual = Matrix(rows: rows, columns: outputs,
                                  values: (0..<(rows * outputs)).map { _ in generator.float(in: -100...100) })
            let expected = zip(product.naive, residual.values).map { (Float(bitPattern: $0) + $1).bitPattern }
            let y = Gemm.linear(product.x, product.layer, adding: residual)
            #expect(y.values.map(\.bitPattern) == expected, "\(rows) x \(inputs) -> \(outputs)")
        }
    }

    /// An activation applied as each output is finished gives, bit for bit, the activation
    /// of the finished product.
    @Test(arguments: [Activation.gelu, .geluTanh, .tanh])
    func activationEpilogueIsTheActivationOfTheProduct(activation: Activation) {
        var generator = SplitMix64(seed: 37)
        for (rows, inputs, outputs) in [(1, 5, 1), (3, 97, 70), (130, 200, 64), (9, 40, 300)] {
            let product = Case(rows: rows, inputs: inputs, outputs: outputs, generator: &generator)
            let expected = product.naive.map { activation(SIMD16(repeating: Float(bitPattern: $0)))[0].bitPattern }
            let y = Gemm.linear(product.x, product.layer, then: activation)
            #expect(y.values.map(\.bitPattern) == expected, "\(rows) x \(inputs) -> \(outputs)")
        }
    }

    @Test func threadSettingIsPositive() {
        #expect(ComputeThreads.available >= 1)
        #expect(ComputeThreads.count >= 1)
    }
}
