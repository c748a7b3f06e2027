/// Bounds a decoder checks against an image's header before it allocates memory for the
/// pixels, so that a hostile or damaged header cannot make it allocate without limit
/// (Spec/preprocessing.md, "Limits").
public struct ImageLimits: Sendable, Equatable {
    /// The most pixels (width times height) an image may have.
    public var maximumPixelCount: Int

    public init(maximumPixelCount: Int) {
        self.maximumPixelCount = maximumPixelCount
    }

    /// 2^26 = 67,108,864 pixels (8192 x 8192): about 200 MB as RGB. Decoders hold at most a
    /// small multiple of the final RGB size while they work.
    public static let standard = ImageLimits(maximumPixelCount: 1 << 26)

    /// The side of the largest square image within the limits: 8192 for `standard`.
    public var maximumSquareSide: Int {
        var side = Int(Double(maximumPixelCount).squareRoot())
        while side * side > maximumPixelCount { side -= 1 }
        while (side + 1) * (side + 1) <= maximumPixelCount { side += 1 }
        return side
    }

    /// Throws `ImageDecodingProblem.tooLarge` unless a `width` x `height` image is within
    /// the limits; both must be at least 1.
    public func check(width: Int, height: Int) throws(ImageDecodingProblem) {
        guard width >= 1, height >= 1 else { throw .corrupt("image size \(width) x \(height)") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumPixelCount else {
            throw .tooLarge(width: width, height: height, limit: maximumPixelCount)
        }
    }
}
