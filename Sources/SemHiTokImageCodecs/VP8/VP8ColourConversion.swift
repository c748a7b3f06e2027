/// From the decoded planes to RGB as libwebp emits them by default (Spec/vp8.md section 9):
/// chroma upsampled to full size by the "fancy" 9-3-3-1 filter, then libwebp's 14-bit
/// fixed-point BT.601 conversion.
enum VP8ColourConversion {
    /// `(v * coefficient) >> 8`, the high half of a 16-bit product in libwebp's SIMD code.
    @inline(__always) private static func multiplyHigh(_ v: Int32, _ coefficient: Int32) -> Int32 { (v &* coefficient) >> 8 }

    /// A value with 6 fractional bits to 0 ... 255: `v >> 6` within 0 ... 16383, else 0 or
    /// 255 (clamping first gives the same, without branches).
    @inline(__always) private static func clip(_ v: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(v, 0), 16383) >> 6)
    }

    /// Writes R, G, B of one pixel at `out`.
    @inline(__always)
    static func rgb(_ y: Int32, _ u: Int32, _ v: Int32, _ out: UnsafeMutablePointer<UInt8>) {
        let luma = multiplyHigh(y, 19077)
        out[0] = clip(luma &+ multiplyHigh(v, 26149) &- 14234)
        out[1] = clip(luma &- multiplyHigh(u, 6419) &- multiplyHigh(v, 13320) &+ 8708)
        out[2] = clip(luma &+ multiplyHigh(u, 33050) &- 17685)
    }

    /// The RGB image of the top-left `width` x `height` pixels of the planes: each output
    /// row pairs with the chroma row above or below it, the first and (for even heights)
    /// last rows with their own chroma row twice.
    static func convert(y: UnsafePointer<UInt8>, yStride: Int, u: UnsafePointer<UInt8>, v: UnsafePointer<UInt8>, uvStride: Int,
                        width: Int, height: Int, into out: UnsafeMutablePointer<UInt8>) {
        // The upsampled U and V of the upper and the lower row of a pair.
        let chroma = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * width)
        let packed = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
        defer {
            chroma.deallocate()
            packed.deallocate()
        }
        let (upperU, upperV, lowerU, lowerV) = (chroma, chroma + width, chroma + 2 * width, chroma + 3 * width)
        let outStride = 3 * width
        upsample(above: u, below: u, upper: upperU, lower: nil, width: width)
        upsample(above: v, below: v, upper: upperV, lower: nil, width: width)
        convertRow(y, upperU, upperV, packed, out, width)
        var row = 0
        while row + 2 < height {
            let offset = (row / 2) * uvStride
            upsample(above: u + offset, below: u + offset + uvStride, upper: upperU, lower: lowerU, width: width)
            upsample(above: v + offset, below: v + offset + uvStride, upper: upperV, lower: lowerV, width: width)
            convertRow(y + (row + 1) * yStride, upperU, upperV, packed, out + (row + 1) * outStride, width)
            convertRow(y + (row + 2) * yStride, lowerU, lowerV, packed, out + (row + 2) * outStride, width)
            row += 2
        }
        if height % 2 == 0 {
            let offset = (height / 2 - 1) * uvStride
            upsample(above: u + offset, below: u + offset, upper: upperU, lower: nil, width: width)
            upsample(above: v + offset, below: v + offset, upper: upperV, lower: nil, width: width)
            convertRow(y + (height - 1) * yStride, upperU, upperV, packed, out + (height - 1) * outStride, width)
        }
    }

    /// One row: `rgb`'s formulas eight pixels at a time into `packed` (R, G, B in the low
    /// three bytes of each), then those pixels' bytes to `out`, the rest by `rgb`. The two
    /// loops stay apart so that the first one stays in vector lanes.
    @inline(never)
    private static func convertRow(_ y: UnsafePointer<UInt8>, _ u: UnsafePointer<Int32>, _ v: UnsafePointer<Int32>,
                                   _ packed: UnsafeMutablePointer<UInt32>, _ out: UnsafeMutablePointer<UInt8>, _ width: Int) {
        typealias Lanes = SIMD8<Int32>
        let low = Lanes.zero, high = Lanes(repeating: 16383), shift = Lanes(repeating: 6)
        let runs = width & ~7
        var x = 0
        while x < runs {
            let luma = (Lanes(truncatingIfNeeded: UnsafeRawPointer(y + x).loadUnaligned(as: SIMD8<UInt8>.self)) &* 19077) &>> 8
            let uLanes = UnsafeRawPointer(u + x).loadUnaligned(as: Lanes.self)
            let vLanes = UnsafeRawPointer(v + x).loadUnaligned(as: Lanes.self)
            let red = (luma &+ ((vLanes &* 26149) &>> 8) &- 14234).clamped(lowerBound: low, upperBound: high) &>> shift
            let green = (luma &- ((uLanes &* 6419) &>> 8) &- ((vLanes &* 13320) &>> 8) &+ 8708)
                .clamped(lowerBound: low, upperBound: high) &>> shift
            let blue = (luma &+ ((uLanes &* 33050) &>> 8) &- 17685).clamped(lowerBound: low, upperBound: high) &>> shift
            UnsafeMutableRawPointer(packed + x).storeBytes(of: red | green &<< 8 | blue &<< 16, as: Lanes.self)
            x += 8
        }
        // Four bytes per pixel, the fourth overwritten by the next pixel; three for the last.
        for x in 0..<min(runs, width - 1) { UnsafeMutableRawPointer(out + 3 * x).storeBytes(of: packed[x], as: UInt32.self) }
        if runs == width {
            for channel in 0..<3 { out[3 * (width - 1) + channel] = UInt8(truncatingIfNeeded: packed[width - 1] >> (8 * channel)) }
        }
        for x in runs..<width { rgb(Int32(y[x]), u[x], v[x], out + 3 * x) }
    }

    /// One chroma plane's samples for the row just below chroma row `above` (`upper`) and,
    /// when `lower` is given, the row just above chroma row `below`: each is
    /// `(9 a + 3 b + 3 c + d + 8) / 16` of its four nearest samples, computed in libwebp's two
    /// steps of rounding; the first and, for even widths, the last column use
    /// `(3 a + b + 2) / 4` vertically only.
    @inline(__always)
    private static func upsample(above: UnsafePointer<UInt8>, below: UnsafePointer<UInt8>,
                                 upper: UnsafeMutablePointer<Int32>, lower: UnsafeMutablePointer<Int32>?, width: Int) {
        var topLeft = Int32(above[0]), left = Int32(below[0])
        upper[0] = (3 &* topLeft &+ left &+ 2) >> 2
        lower?[0] = (3 &* left &+ topLeft &+ 2) >> 2
        let lastPair = (width - 1) >> 1
        if lastPair >= 1 {
            for x in 1...lastPair {
                let top = Int32(above[x]), current = Int32(below[x])
                let sum = topLeft &+ top &+ left &+ current &+ 8
                let diagonal12 = (sum &+ 2 &* (top &+ left)) >> 3
                let diagonal03 = (sum &+ 2 &* (topLeft &+ current)) >> 3
                upper[2 * x - 1] = (diagonal12 &+ topLeft) >> 1
                upper[2 * x] = (diagonal03 &+ top) >> 1
                if let lower {
                    lower[2 * x - 1] = (diagonal03 &+ left) >> 1
                    lower[2 * x] = (diagonal12 &+ current) >> 1
                }
                topLeft = top
                left = current
            }
        }
        if width % 2 == 0 {
            upper[width - 1] = (3 &* topLeft &+ left &+ 2) >> 2
            lower?[width - 1] = (3 &* left &+ topLeft &+ 2) >> 2
        }
    }
}
