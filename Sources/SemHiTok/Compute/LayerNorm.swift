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

    /// Normalises every row of `x [rows, channels]`. Mean and variance are accumulated in
    /// double precision, so the result is within rounding of the exact one.
    public func callAsFunction(_ x: Matrix) -> Matrix {
        let channels = x.columns
        precondition(channels == weight.count, "LayerNorm: \(channels) channels for \(weight.count) weights")
        var output = [Float](repeating: 0, count: x.values.count)
        x.values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { result in
                for row in 0..<x.rows {
                    let values = input.baseAddress! + row * channels
                    var sum = 0.0
                    for c in 0..<channels { sum += Double(values[c]) }
                    let mean = sum / Double(channels)
                    var squares = 0.0
                    for c in 0..<channels {
                        let centred = Double(values[c]) - mean
                        squares += centred * centred
                    }
                    let inverse = 1 / (squares / Double(channels) + Double(epsilon)).squareRoot()
                    for c in 0..<channels {
                        result[row * channels + c] = Float((Double(values[c]) - mean) * inverse) * weight[c] + bias[c]
                    }
                }
            }
        }
        return Matrix(rows: x.rows, columns: channels, values: output)
    }
}
