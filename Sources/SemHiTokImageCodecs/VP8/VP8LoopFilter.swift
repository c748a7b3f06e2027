/// The loop filters of RFC 6386 section 15 on the decoded planes, in libwebp's integer
/// form (Spec/vp8.md section 8). Each function filters the pixels across one edge: `pixel`
/// is the first pixel after the edge (q0), `step` the distance between pixels across the
/// edge and `along` between pixels along it.
enum VP8LoopFilter {
    @inline(__always) private static func clampSigned(_ v: Int32) -> Int32 { v < -128 ? -128 : v > 127 ? 127 : v }
    @inline(__always) private static func clampSixteen(_ v: Int32) -> Int32 { v < -16 ? -16 : v > 15 ? 15 : v }
    @inline(__always) private static func pixel(_ v: Int32) -> UInt8 { VP8InverseTransform.clamp(v) }
    /// `|v|` for the differences of two pixels, without the overflow check of `abs`.
    @inline(__always) private static func magnitude(_ v: Int32) -> Int32 { (v ^ (v >> 31)) &- (v >> 31) }

    /// Adjusts p0 and q0 only (the simple filter, and the normal filter where the edge has
    /// high variance).
    @inline(__always)
    private static func filter2(_ p: UnsafeMutablePointer<UInt8>, _ step: Int) {
        let p1 = Int32(p[-2 * step]), p0 = Int32(p[-step]), q0 = Int32(p[0]), q1 = Int32(p[step])
        let a = 3 &* (q0 &- p0) &+ clampSigned(p1 &- q1)
        let a1 = clampSixteen((a &+ 4) >> 3)
        let a2 = clampSixteen((a &+ 3) >> 3)
        p[-step] = pixel(p0 &+ a2)
        p[0] = pixel(q0 &- a1)
    }

    /// The inner-edge filter without high variance: p1, p0, q0, q1.
    @inline(__always)
    private static func filter4(_ p: UnsafeMutablePointer<UInt8>, _ step: Int) {
        let p1 = Int32(p[-2 * step]), p0 = Int32(p[-step]), q0 = Int32(p[0]), q1 = Int32(p[step])
        let a = 3 &* (q0 &- p0)
        let a1 = clampSixteen((a &+ 4) >> 3)
        let a2 = clampSixteen((a &+ 3) >> 3)
        let a3 = (a1 &+ 1) >> 1
        p[-2 * step] = pixel(p1 &+ a3)
        p[-step] = pixel(p0 &+ a2)
        p[0] = pixel(q0 &- a1)
        p[step] = pixel(q1 &- a3)
    }

    /// The macroblock-edge filter without high variance: three pixels on each side.
    @inline(__always)
    private static func filter6(_ p: UnsafeMutablePointer<UInt8>, _ step: Int) {
        let p2 = Int32(p[-3 * step]), p1 = Int32(p[-2 * step]), p0 = Int32(p[-step])
        let q0 = Int32(p[0]), q1 = Int32(p[step]), q2 = Int32(p[2 * step])
        let a = clampSigned(3 &* (q0 &- p0) &+ clampSigned(p1 &- q1))
        let a1 = (27 &* a &+ 63) >> 7
        let a2 = (18 &* a &+ 63) >> 7
        let a3 = (9 &* a &+ 63) >> 7
        p[-3 * step] = pixel(p2 &+ a3)
        p[-2 * step] = pixel(p1 &+ a2)
        p[-step] = pixel(p0 &+ a1)
        p[0] = pixel(q0 &- a1)
        p[step] = pixel(q1 &- a2)
        p[2 * step] = pixel(q2 &- a3)
    }

    @inline(__always)
    private static func edgeDifference(_ p: UnsafeMutablePointer<UInt8>, _ step: Int) -> Int32 {
        4 &* magnitude(Int32(p[-step]) &- Int32(p[0])) &+ magnitude(Int32(p[-2 * step]) &- Int32(p[step]))
    }

    /// The simple filter across `count` pixels of an edge, where `4 |p0 - q0| + |p1 - q1|`
    /// is at most `2 * threshold + 1`.
    @inline(__always)
    static func simple(_ p: UnsafeMutablePointer<UInt8>, step: Int, along: Int, count: Int, threshold: Int32) {
        let limit = 2 &* threshold &+ 1
        for i in 0..<count {
            let q = p + i * along
            if edgeDifference(q, step) <= limit { filter2(q, step) }
        }
    }

    /// The normal filter across `count` pixels of a macroblock edge (`macroblockEdge`) or
    /// an inner edge between sub-blocks.
    @inline(__always)
    static func normal(_ p: UnsafeMutablePointer<UInt8>, step: Int, along: Int, count: Int,
                       threshold: Int32, interior: Int32, hevThreshold: Int32, macroblockEdge: Bool) {
        let limit = 2 &* threshold &+ 1
        for i in 0..<count {
            let q = p + i * along
            guard edgeDifference(q, step) <= limit else { continue }
            let p3 = Int32(q[-4 * step]), p2 = Int32(q[-3 * step]), p1 = Int32(q[-2 * step]), p0 = Int32(q[-step])
            let q0 = Int32(q[0]), q1 = Int32(q[step]), q2 = Int32(q[2 * step]), q3 = Int32(q[3 * step])
            let outerP = magnitude(p1 &- p0), outerQ = magnitude(q1 &- q0)
            guard magnitude(p3 &- p2) <= interior, magnitude(p2 &- p1) <= interior, outerP <= interior,
                  magnitude(q3 &- q2) <= interior, magnitude(q2 &- q1) <= interior, outerQ <= interior else { continue }
            if outerP > hevThreshold || outerQ > hevThreshold {
                filter2(q, step)
            } else if macroblockEdge {
                filter6(q, step)
            } else {
                filter4(q, step)
            }
        }
    }
}
