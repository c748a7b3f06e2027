/// The four VP8L transforms (Spec/webp.md section 4.3) and their inverses, applied to ARGB
/// pixels (alpha in the top byte, then red, green, blue) in the reverse of the order they
/// were read.
enum VP8LTransform {
    /// Predictor modes per `1 << bits` square tile, in the green byte of `modes`.
    case predictor(bits: Int, modes: [UInt32], width: Int)
    /// Colour multipliers per tile: green-to-red in the blue byte, green-to-blue in the
    /// green byte, red-to-blue in the red byte.
    case crossColour(bits: Int, multipliers: [UInt32], width: Int)
    case subtractGreen
    /// `palette` holds `1 << (8 >> bits)` colours (zero beyond those the stream gives);
    /// `width` is the image's width, `bits` how many indices share one packed pixel (log2).
    case colourIndexing(bits: Int, palette: [UInt32], width: Int)

    /// `size` divided by `1 << bits`, rounded up.
    @inline(__always)
    static func subsampled(_ size: Int, bits: Int) -> Int { (size + (1 << bits) - 1) >> bits }

    /// Undoes the transform on `pixels`, an image of `height` rows, in place (the image
    /// grows wider for colour indexing with bundled pixels).
    func invert(_ pixels: inout [UInt32], height: Int) {
        switch self {
        case .predictor(let bits, let modes, let width):
            pixels.withUnsafeMutableBufferPointer { pixels in
                modes.withUnsafeBufferPointer { modes in Self.invertPredictor(pixels, width: width, height: height, bits: bits, modes: modes) }
            }
        case .crossColour(let bits, let multipliers, let width):
            pixels.withUnsafeMutableBufferPointer { pixels in
                multipliers.withUnsafeBufferPointer { multipliers in
                    Self.invertCrossColour(pixels, width: width, height: height, bits: bits, multipliers: multipliers)
                }
            }
        case .subtractGreen:
            pixels.withUnsafeMutableBufferPointer { pixels in
                for index in pixels.indices {
                    let argb = pixels[index]
                    let green = (argb >> 8) & 0xFF
                    let redBlue = ((argb & 0x00FF_00FF) &+ (green << 16 | green)) & 0x00FF_00FF
                    pixels[index] = argb & 0xFF00_FF00 | redBlue
                }
            }
        case .colourIndexing(let bits, let palette, let width):
            pixels = Self.invertColourIndexing(pixels, width: width, height: height, bits: bits, palette: palette)
        }
    }

    /// Adds two ARGB pixels byte by byte, modulo 256.
    @inline(__always)
    static func add(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let alphaGreen = (a & 0xFF00_FF00) &+ (b & 0xFF00_FF00)
        let redBlue = (a & 0x00FF_00FF) &+ (b & 0x00FF_00FF)
        return alphaGreen & 0xFF00_FF00 | redBlue & 0x00FF_00FF
    }

    /// The byte-wise average of two pixels, rounded down.
    @inline(__always)
    static func average(_ a: UInt32, _ b: UInt32) -> UInt32 {
        (((a ^ b) & 0xFEFE_FEFE) >> 1) &+ (a & b)
    }

    /// Each byte of `a + b - c` clamped to 0...255.
    @inline(__always)
    static func clampedAddSubtractFull(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
        var result: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) {
            let value = Int((a >> shift) & 0xFF) + Int((b >> shift) & 0xFF) - Int((c >> shift) & 0xFF)
            result |= UInt32(min(max(value, 0), 255)) << shift
        }
        return result
    }

    /// Each byte of `a + (a - b) / 2` (division truncating toward zero) clamped to 0...255.
    @inline(__always)
    static func clampedAddSubtractHalf(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var result: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) {
            let x = Int((a >> shift) & 0xFF)
            let value = x + (x - Int((b >> shift) & 0xFF)) / 2
            result |= UInt32(min(max(value, 0), 255)) << shift
        }
        return result
    }

    /// The left pixel when the top one is the worse estimate of the gradient, summed over
    /// the four bytes (the `Select` predictor of RFC 9649); the top one on a tie.
    @inline(__always)
    static func select(left: UInt32, top: UInt32, topLeft: UInt32) -> UInt32 {
        var distanceToTop = 0
        var distanceToLeft = 0
        for shift in stride(from: 0, to: 32, by: 8) {
            let l = Int((left >> shift) & 0xFF), t = Int((top >> shift) & 0xFF), c = Int((topLeft >> shift) & 0xFF)
            distanceToTop += abs(l - c)
            distanceToLeft += abs(t - c)
        }
        return distanceToTop <= distanceToLeft ? top : left
    }

    /// The prediction of mode `mode` (0...13; 14 and 15 act as 0) from the neighbours.
    @inline(__always)
    static func predict(_ mode: Int, left: UInt32, top: UInt32, topRight: UInt32, topLeft: UInt32) -> UInt32 {
        switch mode {
        case 1: left
        case 2: top
        case 3: topRight
        case 4: topLeft
        case 5: average(average(left, topRight), top)
        case 6: average(left, topLeft)
        case 7: average(left, top)
        case 8: average(topLeft, top)
        case 9: average(top, topRight)
        case 10: average(average(left, topLeft), average(top, topRight))
        case 11: select(left: left, top: top, topLeft: topLeft)
        case 12: clampedAddSubtractFull(left, top, topLeft)
        case 13: clampedAddSubtractHalf(average(left, top), topLeft)
        default: 0xFF00_0000
        }
    }

    private static func invertPredictor(_ pixels: UnsafeMutableBufferPointer<UInt32>, width: Int, height: Int, bits: Int,
                                        modes: UnsafeBufferPointer<UInt32>) {
        // The first row predicts from the left (its first pixel from opaque black), the first
        // column from the top; the right-most pixel's top-right is the first of its own row.
        pixels[0] = add(pixels[0], 0xFF00_0000)
        for x in 1..<width { pixels[x] = add(pixels[x], pixels[x - 1]) }
        let tilesPerRow = subsampled(width, bits: bits)
        for y in 1..<height {
            let row = y * width
            let tileRow = (y >> bits) * tilesPerRow
            pixels[row] = add(pixels[row], pixels[row - width])
            for x in 1..<width {
                let mode = Int((modes[tileRow + (x >> bits)] >> 8) & 0xF)
                let at = row + x
                let prediction = predict(mode, left: pixels[at - 1], top: pixels[at - width], topRight: pixels[at - width + 1],
                                         topLeft: pixels[at - width - 1])
                pixels[at] = add(pixels[at], prediction)
            }
        }
    }

    /// `(multiplier * value) >> 5` with both as signed bytes.
    @inline(__always)
    private static func colourDelta(_ multiplier: UInt32, _ value: UInt32) -> Int32 {
        (Int32(Int8(truncatingIfNeeded: multiplier)) * Int32(Int8(truncatingIfNeeded: value))) >> 5
    }

    private static func invertCrossColour(_ pixels: UnsafeMutableBufferPointer<UInt32>, width: Int, height: Int, bits: Int,
                                          multipliers: UnsafeBufferPointer<UInt32>) {
        let tilesPerRow = subsampled(width, bits: bits)
        for y in 0..<height {
            let tileRow = (y >> bits) * tilesPerRow
            for x in 0..<width {
                let m = multipliers[tileRow + (x >> bits)]
                let argb = pixels[y * width + x]
                let green = (argb >> 8) & 0xFF
                let red = UInt32(truncatingIfNeeded: Int32((argb >> 16) & 0xFF) + colourDelta(m, green)) & 0xFF
                let blue = UInt32(truncatingIfNeeded: Int32(argb & 0xFF) + colourDelta(m >> 8, green) + colourDelta(m >> 16, red)) & 0xFF
                pixels[y * width + x] = argb & 0xFF00_FF00 | red << 16 | blue
            }
        }
    }

    private static func invertColourIndexing(_ packed: [UInt32], width: Int, height: Int, bits: Int, palette: [UInt32]) -> [UInt32] {
        let packedWidth = subsampled(width, bits: bits)
        let bitsPerIndex = 8 >> bits
        let indexMask = UInt32(1 << bitsPerIndex - 1)
        let perPixelMask = (1 << bits) - 1
        var output = [UInt32](repeating: 0, count: width * height)
        output.withUnsafeMutableBufferPointer { output in
            packed.withUnsafeBufferPointer { packed in
                palette.withUnsafeBufferPointer { palette in
                    for y in 0..<height {
                        for x in 0..<width {
                            let byte = (packed[y * packedWidth + (x >> bits)] >> 8) & 0xFF
                            let index = (byte >> UInt32((x & perPixelMask) * bitsPerIndex)) & indexMask
                            output[y * width + x] = palette[Int(index)]
                        }
                    }
                }
            }
        }
        return output
    }
}
