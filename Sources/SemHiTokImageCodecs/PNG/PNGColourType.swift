/// The colour types of PNG's IHDR chunk (PNG specification, section 11.2.2;
/// Spec/png.md section 4): what a pixel's samples are and which bit depths are allowed.
enum PNGColourType: UInt8 {
    case greyscale = 0
    case truecolour = 2
    case indexed = 3
    case greyscaleAlpha = 4
    case truecolourAlpha = 6

    /// Samples per pixel.
    var channels: Int {
        switch self {
        case .greyscale, .indexed: 1
        case .greyscaleAlpha: 2
        case .truecolour: 3
        case .truecolourAlpha: 4
        }
    }

    /// The bit depths the standard allows for this colour type.
    var allowedBitDepths: [Int] {
        switch self {
        case .greyscale: [1, 2, 4, 8, 16]
        case .indexed: [1, 2, 4, 8]
        case .truecolour, .greyscaleAlpha, .truecolourAlpha: [8, 16]
        }
    }
}
