import Foundation
import SemHiTok
@testable import SemHiTokCompute
import TestSupport
import Testing

/// The pure-Swift elementary functions (Spec/architecture.md section 2.1) against the
/// platform's double-precision functions, which are far more accurate than float32: every
/// result within the Spec's 3 ulp of the exact value, and the special values exact.
struct VectorMathTests {
    /// Every float whose bit pattern is a multiple of `stride` in `range`, both signs.
    private static func samples(upTo limit: Float, stride: UInt32 = 7919) -> [Float] {
        let positive = Swift.stride(from: UInt32(0), through: limit.bitPattern, by: Int(stride)).map(Float.init(bitPattern:))
        return positive + positive.map { -$0 }
    }

    /// `function` applied 16 at a time.
    private static func apply(_ function: (SIMD16<Float>) -> SIMD16<Float>, to values: [Float]) -> [Float] {
        var output = [Float]()
        output.reserveCapacity(values.count + 16)
        for start in Swift.stride(from: 0, to: values.count, by: 16) {
            var lanes = SIMD16<Float>()
            for lane in 0..<min(16, values.count - start) { lanes[lane] = values[start + lane] }
            let result = function(lanes)
            for lane in 0..<min(16, values.count - start) { output.append(result[lane]) }
        }
        return output
    }

    /// The largest error of `function` over `inputs` in ulp of the exactly rounded result
    /// (the spacing of floats at the exact value; subnormal spacing below the normal range).
    private static func worstError(_ function: (SIMD16<Float>) -> SIMD16<Float>, exact: (Double) -> Double,
                                   over inputs: [Float]) -> (ulp: Double, at: Float) {
        let results = apply(function, to: inputs)
        var worst = (ulp: 0.0, at: Float.zero)
        for (input, result) in zip(inputs, results) {
            let expected = exact(Double(input))
            let spacing = Double(Float(expected).magnitude.ulp)
            guard expected.isFinite, Float(expected).isFinite else {
                if Float(expected) != result { worst = (.infinity, input) }
                continue
            }
            let error = abs(Double(result) - expected) / spacing
            if !(error <= worst.ulp) { worst = (error, input) }
        }
        return worst
    }

    @Test func expIsWithin3Ulp() {
        let inputs = Self.samples(upTo: 104).filter { $0 <= 88.72 }
        let worst = Self.worstError(VectorMath.exp, exact: Foundation.exp, over: inputs)
        #expect(worst.ulp <= 3, "exp(\(worst.at)) is \(worst.ulp) ulp off")
    }

    /// Results in the subnormal range are rounded once, as the two-step scaling promises.
    @Test func expIsWithin3UlpInTheSubnormalRange() {
        let inputs = stride(from: Float(-103.9), to: -87.3, by: 0.0037).map { $0 }
        let worst = Self.worstError(VectorMath.exp, exact: Foundation.exp, over: inputs)
        #expect(worst.ulp <= 3, "exp(\(worst.at)) is \(worst.ulp) ulp off")
    }

    @Test func tanhIsWithin3Ulp() {
        let worst = Self.worstError(VectorMath.tanh, exact: Foundation.tanh, over: Self.samples(upTo: 20))
        #expect(worst.ulp <= 3, "tanh(\(worst.at)) is \(worst.ulp) ulp off")
    }

    @Test func erfIsWithin3Ulp() {
        let worst = Self.worstError(VectorMath.erf, exact: Foundation.erf, over: Self.samples(upTo: 8))
        #expect(worst.ulp <= 3, "erf(\(worst.at)) is \(worst.ulp) ulp off")
    }

    @Test func specialValuesAreExact() {
        let inputs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 89, -104, 1e-30, -1e-30, .leastNonzeroMagnitude]
        let exp = Self.apply(VectorMath.exp, to: inputs)
        #expect(exp[0] == 1 && exp[1] == 1 && exp[2] == .infinity && exp[3] == 0 && exp[4].isNaN)
        #expect(exp[5] == .infinity && exp[6] == 0 && exp[7] == 1 && exp[8] == 1 && exp[9] == 1)
        let tanh = Self.apply(VectorMath.tanh, to: inputs)
        #expect(tanh[0].bitPattern == Float(0).bitPattern && tanh[1].bitPattern == Float(-0.0).bitPattern)
        #expect(tanh[2] == 1 && tanh[3] == -1 && tanh[4].isNaN && tanh[5] == 1 && tanh[6] == -1)
        #expect(tanh[7] == 1e-30 && tanh[8] == -1e-30 && tanh[9] == .leastNonzeroMagnitude)
        let erf = Self.apply(VectorMath.erf, to: inputs)
        #expect(erf[0].bitPattern == Float(0).bitPattern && erf[1].bitPattern == Float(-0.0).bitPattern)
        #expect(erf[2] == 1 && erf[3] == -1 && erf[4].isNaN && erf[5] == 1 && erf[6] == -1)
    }

    /// The activations of a matrix are the Spec's formulas (section 2.1) on each element,
    /// over a matrix large enough to be shared out over threads and not a multiple of 16.
    @Test func matrixActivationsAreTheSpecFormulasOfEachElement() {
        var generator = SplitMix64(seed: 40)
        let x = Matrix(rows: 301, columns: 333, values: (0..<(301 * 333)).map { _ in generator.float(in: -6...6) })
        func lanes(_ f: @escaping (SIMD16<Float>) -> SIMD16<Float>) -> (Float) -> Float { { f(SIMD16(repeating: $0))[0] } }
        let erf = lanes(VectorMath.erf), tanh = lanes(VectorMath.tanh)
        let gelu = x.values.map { (0.5 * $0) * (1 + erf($0 * 0.707106769)) }
        let geluTanh = x.values.map { (0.5 * $0) * (1 + tanh(0.797884583 * ($0 + 0.044715 * (($0 * $0) * $0)))) }
        #expect(Activation.gelu(x).values.map(\.bitPattern) == gelu.map(\.bitPattern))
        #expect(Activation.geluTanh(x).values.map(\.bitPattern) == geluTanh.map(\.bitPattern))
        #expect(Activation.tanh(x).values.map(\.bitPattern) == x.values.map { tanh($0).bitPattern })
    }
}
