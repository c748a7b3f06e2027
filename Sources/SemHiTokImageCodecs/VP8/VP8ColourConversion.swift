/// From the decoded planes to RGB as libwebp emits them by default (Spec/vp8.md section 9):
/// chroma upsampled to full size by the "fancy" 9-3-3-1 filter, then libwebp's 14-bit
/// fixed-point BT.601 conversion.
enum VP8ColourConversion {
    /// `(v * coefficient) >> 8`, the high half of a 16-bit product in libwebp's SIMD code.
    @inline(__always) private static func multiplyHigh(_ v: Int32, _ coefficient: Int32) -> Int32 { (v &* coefficient) >> 8 }

    /// A value with 6 fractional bits to 0 ... 255.
    @inline(__always) private static func clip(_ v: Int32) -> UInt8 {
        (v & ~16383) == 0 ? UInt8(truncatingIfNeeded: v >> 6) : v < 0 ? 0 : 255
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
        let outStride = 3 * width
        linePair(top: y, bottom: nil, topU: u, topV: v, u: u, v: v, topOut: out, bottomOut: nil, width: width)
        var row = 0
        while row + 2 < height {
            let chroma = (row / 2) * uvStride
            linePair(top: y + (row + 1) * yStride, bottom: y + (row + 2) * yStride,
                     topU: u + chroma, topV: v + chroma, u: u + chroma + uvStride, v: v + chroma + uvStride,
                     topOut: out + (row + 1) * outStride, bottomOut: out + (row + 2) * outStride, width: width)
            row += 2
        }
        if height % 2 == 0 {
            let chroma = (height / 2 - 1) * uvStride
            linePair(top: y + (height - 1) * yStride, bottom: nil, topU: u + chroma, topV: v + chroma,
                     u: u + chroma, v: v + chroma, topOut: out + (height - 1) * outStride, bottomOut: nil, width: width)
        }
    }

    /// Two output rows between chroma rows `topU`/`topV` (above both) and `u`/`v`: each
    /// chroma sample at a pixel is `(9 a + 3 b + 3 c + d + 8) / 16` of its four nearest
    /// chroma samples, computed in libwebp's two steps of rounding; the first and, for
    /// even widths, the last column use `(3 a + b + 2) / 4` vertically only.
    @inline(__always)
    private static func linePair(top: UnsafePointer<UInt8>, bottom: UnsafePointer<UInt8>?,
                                 topU: UnsafePointer<UInt8>, topV: UnsafePointer<UInt8>,
                                 u: UnsafePointer<UInt8>, v: UnsafePointer<UInt8>,
                                 topOut: UnsafeMutablePointer<UInt8>, bottomOut: UnsafeMutablePointer<UInt8>?, width: Int) {
        var topLeftU = Int32(topU[0]), leftU = Int32(u[0])
        var topLeftV = Int32(topV[0]), leftV = Int32(v[0])
        rgb(Int32(top[0]), (3 &* topLeftU &+ leftU &+ 2) >> 2, (3 &* topLeftV &+ leftV &+ 2) >> 2, topOut)
        if let bottom, let bottomOut {
            rgb(Int32(bottom[0]), (3 &* leftU &+ topLeftU &+ 2) >> 2, (3 &* leftV &+ topLeftV &+ 2) >> 2, bottomOut)
        }
        let lastPair = (width - 1) >> 1
        if lastPair >= 1 {
            for x in 1...lastPair {
                let topU1 = Int32(topU[x]), u1 = Int32(u[x])
                let topV1 = Int32(topV[x]), v1 = Int32(v[x])
                let averageU = topLeftU &+ topU1 &+ leftU &+ u1 &+ 8
                let averageV = topLeftV &+ topV1 &+ leftV &+ v1 &+ 8
                let diagonalU12 = (averageU &+ 2 &* (topU1 &+ leftU)) >> 3
                let diagonalU03 = (averageU &+ 2 &* (topLeftU &+ u1)) >> 3
                let diagonalV12 = (averageV &+ 2 &* (topV1 &+ leftV)) >> 3
                let diagonalV03 = (averageV &+ 2 &* (topLeftV &+ v1)) >> 3
                rgb(Int32(top[2 * x - 1]), (diagonalU12 &+ topLeftU) >> 1, (diagonalV12 &+ topLeftV) >> 1, topOut + 3 * (2 * x - 1))
                rgb(Int32(top[2 * x]), (diagonalU03 &+ topU1) >> 1, (diagonalV03 &+ topV1) >> 1, topOut + 3 * (2 * x))
                if let bottom, let bottomOut {
                    rgb(Int32(bottom[2 * x - 1]), (diagonalU03 &+ leftU) >> 1, (diagonalV03 &+ leftV) >> 1, bottomOut + 3 * (2 * x - 1))
                    rgb(Int32(bottom[2 * x]), (diagonalU12 &+ u1) >> 1, (diagonalV12 &+ v1) >> 1, bottomOut + 3 * (2 * x))
                }
                topLeftU = topU1; leftU = u1
                topLeftV = topV1; leftV = v1
            }
        }
        if width % 2 == 0 {
            let last = width - 1
            rgb(Int32(top[last]), (3 &* topLeftU &+ leftU &+ 2) >> 2, (3 &* topLeftV &+ leftV &+ 2) >> 2, topOut + 3 * last)
            if let bottom, let bottomOut {
                rgb(Int32(bottom[last]), (3 &* leftU &+ topLeftU &+ 2) >> 2, (3 &* leftV &+ topLeftV &+ 2) >> 2, bottomOut + 3 * last)
            }
        }
    }
}
