/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel three bytes (R, G, B),
/// rows top to bottom, interleaved (HWC). Every decoder produces one, after converting to
/// RGB as Spec/preprocessing.md says; the PNG and PPM encoders write one.
public struct RGBImage: Equatable, Sendable {
    /// Width in pixels, at least 1.
    public let width: Int
    /// Height in pixels, at least 1.
    public let height: Int
    /// `width * height * 3` bytes: R, G, B of pixel (0, 0), then (1, 0), ... row by row.
    public var pixels: [UInt8]

    /// An image over `pixels`, which must hold `width * height * 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 1 && height >= 1 && pixels.count == width * height * 3,
                     "RGBImage needs width * height * 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
