import SemHiTokImageCodecs

/// A preprocessing configuration or model output that cannot be used
/// (Spec/preprocessing.md sections 3 and 4).
public enum PreprocessingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model input size is below 1 or its square exceeds `ImageLimits.standard`.
    case invalidSize(Int)
    /// A mean or standard deviation that is not three finite float32 values (and, for the
    /// standard deviation, non-zero).
    case invalidNormalization(String)
    /// A NaN in a model output, at the first such position in CHW order.
    case notANumber(channel: Int, y: Int, x: Int)

    /// The error's name in golden cases (Spec/conformance.md section 4).
    public var conformanceName: String {
        switch self {
        case .invalidSize: "invalid_size"
        case .invalidNormalization: "invalid_normalization"
        case .notANumber: "nan_value"
        }
    }

    public var description: String {
        switch self {
        case .invalidSize(let size):
            "invalid input size \(size): it must be at least 1, and its square at most "
                + "\(ImageLimits.standard.maximumPixelCount) pixels"
        case .invalidNormalization(let detail):
            "invalid normalisation: \(detail)"
        case .notANumber(let channel, let y, let x):
            "the model output is NaN at channel \(channel), row \(y), column \(x)"
        }
    }
}
