/// The inverse transforms of RFC 6386 section 14 in libwebp's integer arithmetic
/// (Spec/vp8.md section 7), which the RFC's reference code matches bit for bit.
enum VP8InverseTransform {
    /// `x * sqrt(2) * cos(pi / 8)` in 16-bit fixed point: `x + (x * 20091) >> 16`.
    @inline(__always) static func mul1(_ x: Int32) -> Int32 { ((x &* 20091) >> 16) &+ x }
    /// `x * sqrt(2) * sin(pi / 8)` in 16-bit fixed point: `(x * 35468) >> 16`.
    @inline(__always) static func mul2(_ x: Int32) -> Int32 { (x &* 35468) >> 16 }

    /// Adds the inverse DCT of the 16 coefficients (raster order) to the 4 x 4 pixels at
    /// `pixels`, rows `stride` apart, clamping each to 0 ... 255: columns first, then rows
    /// with the rounding `+ 4 >> 3`. With `sixteenBit`, the results of the first pass, the
    /// sums before the shift and the sums with the pixels wrap to 16 bits, as libwebp's
    /// SSE2 transform computes them (Spec/vp8.md section 7); only coefficients far beyond
    /// what an encoder writes reach the wrap.
    @inline(__always)
    static func addDCT(_ coefficients: UnsafePointer<Int16>, to pixels: UnsafeMutablePointer<UInt8>, stride: Int,
                       sixteenBit: Bool) {
        var columns: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                      Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &columns) { raw in
            let temporary = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            for column in 0..<4 {
                let c0 = Int32(coefficients[column]), c4 = Int32(coefficients[4 + column])
                let c8 = Int32(coefficients[8 + column]), c12 = Int32(coefficients[12 + column])
                let a = c0 &+ c8
                let b = c0 &- c8
                let c = mul2(c4) &- mul1(c12)
                let d = mul1(c4) &+ mul2(c12)
                temporary[4 * column] = a &+ d
                temporary[4 * column + 1] = b &+ c
                temporary[4 * column + 2] = b &- c
                temporary[4 * column + 3] = a &- d
                if sixteenBit {
                    for k in 0..<4 { temporary[4 * column + k] = wrap(temporary[4 * column + k]) }
                }
            }
            for row in 0..<4 {
                let dc = temporary[row] &+ 4
                let a = dc &+ temporary[8 + row]
                let b = dc &- temporary[8 + row]
                let c = mul2(temporary[4 + row]) &- mul1(temporary[12 + row])
                let d = mul1(temporary[4 + row]) &+ mul2(temporary[12 + row])
                let line = pixels + row * stride
                if sixteenBit {
                    line[0] = clamp(wrap(Int32(line[0]) &+ (wrap(a &+ d) >> 3)))
                    line[1] = clamp(wrap(Int32(line[1]) &+ (wrap(b &+ c) >> 3)))
                    line[2] = clamp(wrap(Int32(line[2]) &+ (wrap(b &- c) >> 3)))
                    line[3] = clamp(wrap(Int32(line[3]) &+ (wrap(a &- d) >> 3)))
                } else {
                    line[0] = clamp(Int32(line[0]) &+ ((a &+ d) >> 3))
                    line[1] = clamp(Int32(line[1]) &+ ((b &+ c) >> 3))
                    line[2] = clamp(Int32(line[2]) &+ ((b &- c) >> 3))
                    line[3] = clamp(Int32(line[3]) &+ ((a &- d) >> 3))
                }
            }
        }
    }

    /// The inverse DCT of a block whose only non-zero coefficient is the DC: the same sum as
    /// `addDCT`, `(dc + 4) >> 3` added to every pixel.
    @inline(__always)
    static func addDC(_ dc: Int16, to pixels: UnsafeMutablePointer<UInt8>, stride: Int) {
        let delta = (Int32(dc) &+ 4) >> 3
        for row in 0..<4 {
            let line = pixels + row * stride
            for column in 0..<4 { line[column] = clamp(Int32(line[column]) &+ delta) }
        }
    }

    /// The inverse Walsh-Hadamard transform of the second-order block (section 14.3): its
    /// 16 outputs become the DC coefficients of the 16 luma blocks, block `i` at
    /// `coefficients[16 * i]`, kept to 16 bits as libwebp keeps them.
    static func walshHadamard(_ input: UnsafePointer<Int16>, into coefficients: UnsafeMutablePointer<Int16>) {
        var storage: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                      Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            walshHadamard(input, into: coefficients, temporary: raw.baseAddress!.assumingMemoryBound(to: Int32.self))
        }
    }

    @inline(__always)
    private static func walshHadamard(_ input: UnsafePointer<Int16>, into coefficients: UnsafeMutablePointer<Int16>,
                                      temporary: UnsafeMutablePointer<Int32>) {
        for column in 0..<4 {
            let a0 = Int32(input[column]) &+ Int32(input[12 + column])
            let a1 = Int32(input[4 + column]) &+ Int32(input[8 + column])
            let a2 = Int32(input[4 + column]) &- Int32(input[8 + column])
            let a3 = Int32(input[column]) &- Int32(input[12 + column])
            temporary[column] = a0 &+ a1
            temporary[8 + column] = a0 &- a1
            temporary[4 + column] = a3 &+ a2
            temporary[12 + column] = a3 &- a2
        }
        for row in 0..<4 {
            let dc = temporary[4 * row] &+ 3
            let a0 = dc &+ temporary[4 * row + 3]
            let a1 = temporary[4 * row + 1] &+ temporary[4 * row + 2]
            let a2 = temporary[4 * row + 1] &- temporary[4 * row + 2]
            let a3 = dc &- temporary[4 * row + 3]
            coefficients[16 * (4 * row)] = Int16(truncatingIfNeeded: (a0 &+ a1) >> 3)
            coefficients[16 * (4 * row + 1)] = Int16(truncatingIfNeeded: (a3 &+ a2) >> 3)
            coefficients[16 * (4 * row + 2)] = Int16(truncatingIfNeeded: (a0 &- a1) >> 3)
            coefficients[16 * (4 * row + 3)] = Int16(truncatingIfNeeded: (a3 &- a2) >> 3)
        }
    }

    @inline(__always) private static func wrap(_ value: Int32) -> Int32 { Int32(Int16(truncatingIfNeeded: value)) }

    @inline(__always) static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }
}
