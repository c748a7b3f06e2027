/// The intra predictors of RFC 6386 section 12, writing into a block whose row above
/// (`block - stride`, with the above-left pixel at `block - stride - 1`) and column to the
/// left (`block - 1`) are already filled in, with the picture-border values of Spec/vp8.md
/// section 6 where they lie outside the picture.
enum VP8IntraPrediction {
    /// Whole-block modes of luma (16 x 16) and chroma (8 x 8): `mode` is DC_PRED 0, V_PRED 1,
    /// H_PRED 2 or TM_PRED 3. DC_PRED averages the edges that lie inside the picture, and
    /// predicts 128 in the top-left macroblock.
    @inline(__always)
    static func block(_ mode: Int, size: Int, _ block: UnsafeMutablePointer<UInt8>, stride: Int, hasTop: Bool, hasLeft: Bool) {
        let above = block - stride
        switch mode {
        case 1:
            for row in 0..<size { (block + row * stride).update(from: above, count: size) }
        case 2:
            for row in 0..<size { (block + row * stride).update(repeating: block[row * stride - 1], count: size) }
        case 3:
            let corner = Int32(above[-1])
            for row in 0..<size {
                let line = block + row * stride
                let left = Int32(line[-1]) &- corner
                for column in 0..<size { line[column] = VP8InverseTransform.clamp(left &+ Int32(above[column])) }
            }
        default:
            let shift = size == 16 ? 4 : 3
            var sum: Int32 = 0
            if hasTop { for column in 0..<size { sum &+= Int32(above[column]) } }
            if hasLeft { for row in 0..<size { sum &+= Int32(block[row * stride - 1]) } }
            let value: Int32
            switch (hasTop, hasLeft) {
            case (true, true): value = (sum + Int32(size)) >> (shift + 1)
            case (false, false): value = 128
            default: value = (sum + Int32(size / 2)) >> shift
            }
            for row in 0..<size { (block + row * stride).update(repeating: UInt8(truncatingIfNeeded: value), count: size) }
        }
    }

    /// A 4 x 4 sub-block mode in the RFC's numbering: B_DC_PRED 0, B_TM_PRED 1, B_VE_PRED 2,
    /// B_HE_PRED 3, B_LD_PRED 4, B_RD_PRED 5, B_VR_PRED 6, B_VL_PRED 7, B_HD_PRED 8,
    /// B_HU_PRED 9. The row above extends 4 pixels to the right (the above-right pixels).
    @inline(__always)
    static func subBlock(_ mode: Int, _ block: UnsafeMutablePointer<UInt8>, stride: Int) {
        let top = block - stride
        @inline(__always) func t(_ i: Int) -> Int32 { Int32(top[i]) }
        @inline(__always) func l(_ i: Int) -> Int32 { Int32(block[i * stride - 1]) }
        @inline(__always) func set(_ x: Int, _ y: Int, _ v: Int32) { block[y * stride + x] = UInt8(truncatingIfNeeded: v) }
        @inline(__always) func avg3(_ a: Int32, _ b: Int32, _ c: Int32) -> Int32 { (a + 2 * b + c + 2) >> 2 }
        @inline(__always) func avg2(_ a: Int32, _ b: Int32) -> Int32 { (a + b + 1) >> 1 }
        switch mode {
        case 0:
            var sum: Int32 = 4
            for i in 0..<4 { sum += t(i) + l(i) }
            for y in 0..<4 { for x in 0..<4 { set(x, y, sum >> 3) } }
        case 1:
            let corner = t(-1)
            for y in 0..<4 {
                for x in 0..<4 { set(x, y, Int32(VP8InverseTransform.clamp(l(y) + t(x) - corner))) }
            }
        case 2:
            for x in 0..<4 {
                let v = avg3(t(x - 1), t(x), t(x + 1))
                for y in 0..<4 { set(x, y, v) }
            }
        case 3:
            // The left column smoothed, from the above-left pixel down to the last left pixel
            // repeated.
            for y in 0..<4 {
                let v = avg3(y == 0 ? t(-1) : l(y - 1), l(y), l(min(y + 1, 3)))
                for x in 0..<4 { set(x, y, v) }
            }
        case 4:
            for y in 0..<4 {
                for x in 0..<4 {
                    let i = x + y
                    set(x, y, i == 6 ? avg3(t(6), t(7), t(7)) : avg3(t(i), t(i + 1), t(i + 2)))
                }
            }
        case 5:
            // The edge from the bottom-left up and along the top: L3 L2 L1 L0 X A B C D.
            @inline(__always) func edge(_ i: Int) -> Int32 { i < 4 ? l(3 - i) : t(i - 5) }
            for y in 0..<4 {
                for x in 0..<4 {
                    let i = 3 - y + x
                    set(x, y, avg3(edge(i), edge(i + 1), edge(i + 2)))
                }
            }
        case 6:
            let (i0, j, k, xx) = (l(0), l(1), l(2), t(-1))
            let (a, b, c, d) = (t(0), t(1), t(2), t(3))
            set(0, 0, avg2(xx, a)); set(1, 2, avg2(xx, a))
            set(1, 0, avg2(a, b)); set(2, 2, avg2(a, b))
            set(2, 0, avg2(b, c)); set(3, 2, avg2(b, c))
            set(3, 0, avg2(c, d))
            set(0, 3, avg3(k, j, i0))
            set(0, 2, avg3(j, i0, xx))
            set(0, 1, avg3(i0, xx, a)); set(1, 3, avg3(i0, xx, a))
            set(1, 1, avg3(xx, a, b)); set(2, 3, avg3(xx, a, b))
            set(2, 1, avg3(a, b, c)); set(3, 3, avg3(a, b, c))
            set(3, 1, avg3(b, c, d))
        case 7:
            set(0, 0, avg2(t(0), t(1)))
            set(1, 0, avg2(t(1), t(2))); set(0, 2, avg2(t(1), t(2)))
            set(2, 0, avg2(t(2), t(3))); set(1, 2, avg2(t(2), t(3)))
            set(3, 0, avg2(t(3), t(4))); set(2, 2, avg2(t(3), t(4)))
            set(0, 1, avg3(t(0), t(1), t(2)))
            set(1, 1, avg3(t(1), t(2), t(3))); set(0, 3, avg3(t(1), t(2), t(3)))
            set(2, 1, avg3(t(2), t(3), t(4))); set(1, 3, avg3(t(2), t(3), t(4)))
            set(3, 1, avg3(t(3), t(4), t(5))); set(2, 3, avg3(t(3), t(4), t(5)))
            set(3, 2, avg3(t(4), t(5), t(6)))
            set(3, 3, avg3(t(5), t(6), t(7)))
        case 8:
            let (i0, j, k, ll, xx) = (l(0), l(1), l(2), l(3), t(-1))
            let (a, b, c) = (t(0), t(1), t(2))
            set(0, 0, avg2(i0, xx)); set(2, 1, avg2(i0, xx))
            set(0, 1, avg2(j, i0)); set(2, 2, avg2(j, i0))
            set(0, 2, avg2(k, j)); set(2, 3, avg2(k, j))
            set(0, 3, avg2(ll, k))
            set(3, 0, avg3(a, b, c))
            set(2, 0, avg3(xx, a, b))
            set(1, 0, avg3(i0, xx, a)); set(3, 1, avg3(i0, xx, a))
            set(1, 1, avg3(j, i0, xx)); set(3, 2, avg3(j, i0, xx))
            set(1, 2, avg3(k, j, i0)); set(3, 3, avg3(k, j, i0))
            set(1, 3, avg3(ll, k, j))
        default:
            let (i0, j, k, ll) = (l(0), l(1), l(2), l(3))
            set(0, 0, avg2(i0, j))
            set(2, 0, avg2(j, k)); set(0, 1, avg2(j, k))
            set(2, 1, avg2(k, ll)); set(0, 2, avg2(k, ll))
            set(1, 0, avg3(i0, j, k))
            set(3, 0, avg3(j, k, ll)); set(1, 1, avg3(j, k, ll))
            set(3, 1, avg3(k, ll, ll)); set(1, 2, avg3(k, ll, ll))
            set(2, 2, ll); set(3, 2, ll)
            for x in 0..<4 { set(x, 3, ll) }
        }
    }
}
