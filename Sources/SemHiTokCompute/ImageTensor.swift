/// A float32 image tensor in CHW layout, `[3, height, width]` (Spec/preprocessing.md
/// section 3): the model's input after preprocessing, and the pixel decoder's output before
/// postprocessing. Channel 0 is red, 1 green, 2 blue.
public struct ImageTensor: Equatable, Sendable {
    /// Always 3 (R, G, B).
    public static let channels = 3

    /// Height in pixels, at least 1.
    public let height: Int
    /// Width in pixels, at least 1.
    public let width: Int
    /// `3 * height * width` values: all of channel 0 row by row, then channel 1, then 2.
    public let values: [Float]

    /// A tensor over `values`, which must hold `3 * height * width` elements.
    public init(height: Int, width: Int, values: [Float]) throws(TensorShapeError) {
        guard height >= 1, width >= 1 else {
            throw TensorShapeError("an image tensor needs a height and width of at least 1, got \(height) x \(width)")
        }
        let (plane, planeOverflow) = height.multipliedReportingOverflow(by: width)
        let (count, countOverflow) = plane.multipliedReportingOverflow(by: Self.channels)
        guard !planeOverflow, !countOverflow, count == values.count else {
            throw TensorShapeError("[3, \(height), \(width)] needs \(height) * \(width) * 3 values, got \(values.count)")
        }
        self.height = height
        self.width = width
        self.values = values
    }

    /// A tensor whose shape the caller has already made consistent with `values`.
    package init(checkedHeight height: Int, width: Int, values: [Float]) {
        assert(height >= 1 && width >= 1 && values.count == Self.channels * height * width)
        self.height = height
        self.width = width
        self.values = values
    }

    /// The value of `channel` at row `y`, column `x` (all within bounds).
    public subscript(channel: Int, y: Int, x: Int) -> Float {
        values[(channel * height + y) * width + x]
    }
}
