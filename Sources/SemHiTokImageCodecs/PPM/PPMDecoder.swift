/// Decodes binary PPM (`P6`) and PGM (`P5`) images to 8-bit RGB as Pillow followed by the
/// SigLIP processor's conversion does (Spec/images.md, "PPM and PGM").
///
/// Samples are scaled to Pillow's range with round-half-to-even: 8-bit output for PPM and
/// for PGM up to maxval 255, 16-bit for PGM above (Pillow's mode `I`), which the conversion
/// to RGB then clips to 255. Grey is replicated to R, G and B.
public enum PPMDecoder {
    /// The RGB image in `bytes`, a `P5` or `P6` file. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem)
        -> RGBImage
    {
        var header = NetpbmHeaderReader(bytes: bytes)
        let magic = try header.magic()
        let width = try header.number("the width")
        let height = try header.number("the height")
        let maxval = try header.number("the maximum value")
        guard (1...65_535).contains(maxval) else { throw .corrupt("maximum value \(maxval) is not 1 to 65535") }
        try header.singleWhitespace()
        try limits.check(width: width, height: height)
        let channels = magic == "P6" ? 3 : 1
        let sampleSize = maxval > 255 ? 2 : 1
        let sampleCount = width * height * channels
        guard bytes.count - header.position >= sampleCount * sampleSize else {
            throw .truncated("the pixel data (\(sampleCount * sampleSize) bytes needed)")
        }
        let raster = UnsafeRawBufferPointer(rebasing: bytes[header.position...])
        // PGM above 255 becomes 16-bit in Pillow; converting that to RGB clips at 255.
        let wideGrey = channels == 1 && maxval > 255
        let table = scaleTable(maxval: maxval, to: wideGrey ? 65_535 : 255)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        table.withUnsafeBufferPointer { scale in
            pixels.withUnsafeMutableBufferPointer { output in
                for sample in 0..<sampleCount {
                    let raw = sampleSize == 2
                        ? Int(raster[2 * sample]) << 8 | Int(raster[2 * sample + 1])
                        : Int(raster[sample])
                    // A sample above maxval is invalid; Pillow clamps it, and so do we.
                    let value = UInt8(clamping: Int(scale[min(raw, maxval)]))
                    if channels == 3 {
                        output[sample] = value
                    } else {
                        output[3 * sample] = value
                        output[3 * sample + 1] = value
                        output[3 * sample + 2] = value
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// `round(v * top / maxval)` for every `v` in `0...maxval`, ties to even, in exact
    /// integer arithmetic.
    static func scaleTable(maxval: Int, to top: Int) -> [UInt32] {
        (0...maxval).map { value in
            let (quotient, remainder) = (value * top).quotientAndRemainder(dividingBy: maxval)
            let roundsUp = 2 * remainder > maxval || (2 * remainder == maxval && quotient % 2 == 1)
            return UInt32(quotient + (roundsUp ? 1 : 0))
        }
    }
}

/// Reads the text header of a Netpbm file: magic, then decimal numbers separated by
/// whitespace, with `#` comments running to the end of a line.
struct NetpbmHeaderReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// "P5" or "P6"; other Netpbm variants are refused as unsupported.
    mutating func magic() throws(ImageDecodingProblem) -> String {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else { throw .corrupt("not a PPM or PGM file") }
        position = 2
        switch bytes[1] {
        case UInt8(ascii: "5"): return "P5"
        case UInt8(ascii: "6"): return "P6"
        case UInt8(ascii: "1")...UInt8(ascii: "4"), UInt8(ascii: "7"):
            throw .unsupported("Netpbm variant P\(Character(UnicodeScalar(bytes[1]))); only binary PGM (P5) and PPM (P6) are read")
        default:
            throw .corrupt("not a PPM or PGM file")
        }
    }

    /// The next decimal number, after whitespace and comments.
    mutating func number(_ what: String) throws(ImageDecodingProblem) -> Int {
        try skipWhitespaceAndComments(what)
        var value = 0
        var digits = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            digits += 1
            position += 1
            guard value <= 1 << 30 else { throw .corrupt("\(what) is too large") }
        }
        guard digits > 0 else {
            throw position < bytes.count ? .corrupt("\(what) is not a number") : .truncated(what)
        }
        return value
    }

    /// The one whitespace byte that separates the header from the raster.
    mutating func singleWhitespace() throws(ImageDecodingProblem) {
        guard position < bytes.count else { throw .truncated("the header") }
        guard isWhitespace(bytes[position]) else { throw .corrupt("no whitespace after the maximum value") }
        position += 1
    }

    private mutating func skipWhitespaceAndComments(_ what: String) throws(ImageDecodingProblem) {
        while position < bytes.count {
            if isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "#") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
        throw .truncated(what)
    }

    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
