import Foundation

/// Layer normalisation over each row (Spec/architecture.md section 2):
/// `y = (x - mean) / sqrt(variance + epsilon) * weight + bias`, variance biased.
public struct LayerNorm: Sendable {
    /// `[channels]` scale.
    public let weight: [Float]
    /// `[channels]` shift.
    public let bias: [Float]
    /// Added to the variance.
    public let epsilon: Float

    public init(weight: [Float], bias: [Float], epsilon: Float) {
        precondition(weight.count == bias.count, "LayerNorm: weight and bias differ in size")
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Normalises every row of `x [rows, channels]`, blocks of rows on the compute threads.
    /// Mean and variance are accumulated in double precision, so the result is within
    /// rounding of the exact one.
    public func callAsFunction(_ x: Matrix) -> Matrix {
        let channels = x.columns
        precondition(channels == weight.count, "LayerNorm: \(channels) channels for \(weight.count) weights")
        guard x.values.count > 0 else { return x }
        let epsilon = Double(epsilon)
        let values = [Float](unsafeUninitializedCapacity: x.values.count) { result, count in
            x.values.withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { weight in
                    bias.withUnsafeBufferPointer { bias in
                        let (source, destination) = (SharedFloats(input), SharedFloats(result))
                        let (scale, shift) = (SharedFloats(weight), SharedFloats(bias))
                        RowParallel.forEachBlock(rows: x.rows, workPerRow: 4 * channels) { rows in
                            for row in rows {
                                Self.normalise(source.base + row * channels, into: destination.base + row * channels,
                                               count: channels, weight: scale.base, bias: shift.base, epsilon: epsilon)
                            }
                        }
                    }
                }
            }
            count = x.values.count
        }
        return Matrix(rows: x.rows, columns: channels, values: values)
    }

    /// One row: `count` values from `input`, normalised, into `output`.
    private static func normalise(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
                                  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Double) {
        var sum = 0.0
        for c in 0..<count { sum += Double(input[c]) }
        let mean = sum / Double(count)
        var squares = 0.0
        for c in 0..<count {
            let centred = Double(input[c]) - mean
            squares += centred * centred
        }
        let inverse = 1 / (squares / Double(count) + epsilon).squareRoot()
        for c in 0..<count {
            output[c] = Float((Double(input[c]) - mean) * inverse) * weight[c] + bias[c]
        }
    }
}
