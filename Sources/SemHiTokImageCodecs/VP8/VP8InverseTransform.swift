/// The inverse transforms of RFC 6386 section 14 in libwebp's integer arithmetic
/// (Spec/vp8.md section 7), which the RFC's reference code matches bit for bit.
enum VP8InverseTransform {
    typealias Quad = SIMD4<Int32>
    /// `x * sqrt(2) * cos(pi / 8)` in 16-bit fixed point: `x + (x * 20091) >> 16`.
    @inline(__always) private static func mul1(_ x: Quad) -> Quad { ((x &* 20091) &>> 16) &+ x }
    /// `x * sqrt(2) * sin(pi / 8)` in 16-bit fixed point: `(x * 35468) >> 16`.
    @inline(__always) private static func mul2(_ x: Quad) -> Quad { (x &* 35468) &>> 16 }
    /// Each lane wrapped to 16 bits.
    @inline(__always) private static func wrap(_ x: Quad) -> Quad { (x &<< 16) &>> 16 }

    /// Adds the inverse DCT of the 16 coefficients (raster order) to the 4 x 4 pixels at
    /// `pixels`, rows `stride` apart, clamping each to 0 ... 255: columns first, then rows
    /// with the rounding `+ 4 >> 3`. With `sixteenBit`, the results of the first pass, the
    /// sums before the shift and the sums with the pixels wrap to 16 bits, as libwebp's
    /// SSE2 transform computes them (Spec/vp8.md section 7); only coefficients far beyond
    /// what an encoder writes reach the wrap. Each pass works on four lanes at once: the
    /// columns pass on the coefficient rows, the rows pass on their transpose.
    @inline(__always)
    static func addDCT(_ coefficients: UnsafePointer<Int16>, to pixels: UnsafeMutablePointer<UInt8>, stride: Int,
                       sixteenBit: Bool) {
        let rows = UnsafeRawPointer(coefficients).loadUnaligned(as: SIMD16<Int16>.self)
        let r0 = Quad(Int32(rows[0]), Int32(rows[1]), Int32(rows[2]), Int32(rows[3]))
        let r1 = Quad(Int32(rows[4]), Int32(rows[5]), Int32(rows[6]), Int32(rows[7]))
        let r2 = Quad(Int32(rows[8]), Int32(rows[9]), Int32(rows[10]), Int32(rows[11]))
        let r3 = Quad(Int32(rows[12]), Int32(rows[13]), Int32(rows[14]), Int32(rows[15]))
        let a = r0 &+ r2, b = r0 &- r2
        let c = mul2(r1) &- mul1(r3), d = mul1(r1) &+ mul2(r3)
        // Lane k of t0 ... t3: the first pass's four values of column k.
        var (t0, t1, t2, t3) = (a &+ d, b &+ c, b &- c, a &- d)
        if sixteenBit { (t0, t1, t2, t3) = (wrap(t0), wrap(t1), wrap(t2), wrap(t3)) }
        // Lane k of u0 ... u3: the four values of row k, from column 0 to 3.
        let u0 = Quad(t0[0], t1[0], t2[0], t3[0]), u1 = Quad(t0[1], t1[1], t2[1], t3[1])
        let u2 = Quad(t0[2], t1[2], t2[2], t3[2]), u3 = Quad(t0[3], t1[3], t2[3], t3[3])
        let dc = u0 &+ 4
        let e = dc &+ u2, f = dc &- u2
        let g = mul2(u1) &- mul1(u3), h = mul1(u1) &+ mul2(u3)
        // Lane k of v0 ... v3: the residue of row k at column 0 ... 3.
        var (v0, v1, v2, v3) = (e &+ h, f &+ g, f &- g, e &- h)
        if sixteenBit { (v0, v1, v2, v3) = (wrap(v0), wrap(v1), wrap(v2), wrap(v3)) }
        (v0, v1, v2, v3) = (v0 &>> 3, v1 &>> 3, v2 &>> 3, v3 &>> 3)
        for k in 0..<4 {
            let line = pixels + k * stride
            let residue = Quad(v0[k], v1[k], v2[k], v3[k])
            var sum = Quad(truncatingIfNeeded: UnsafeRawPointer(line).loadUnaligned(as: SIMD4<UInt8>.self)) &+ residue
            if sixteenBit { sum = wrap(sum) }
            let clamped = sum.clamped(lowerBound: Quad.zero, upperBound: Quad(repeating: 255))
            UnsafeMutableRawPointer(line).storeBytes(of: SIMD4<UInt8>(truncatingIfNeeded: clamped), as: SIMD4<UInt8>.self)
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

    @inline(__always) static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }
}
