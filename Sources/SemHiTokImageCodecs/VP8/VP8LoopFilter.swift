/// The loop filters of RFC 6386 section 15 on the decoded planes, in libwebp's integer
/// form (Spec/vp8.md section 8), sixteen pixels of an edge at a time. An edge is given by
/// two pointers to its first pixel after the edge (q0), `first` for lanes 0 ... 7 and
/// `second` for lanes 8 ... 15: the two halves of a luma edge, or the U and the V edge of
/// the same place in chroma; `stride` is the planes' row stride.
enum VP8LoopFilter {
    typealias Lanes = SIMD16<Int16>

    /// The eight pixels across an edge, p3 ... q3, at sixteen places along it.
    struct Pixels {
        var p3, p2, p1, p0, q0, q1, q2, q3: Lanes
    }

    /// The pixels across a horizontal edge: rows above and below, eight bytes from each pointer.
    @inline(__always)
    private static func loadHorizontal(_ first: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>,
                                       _ stride: Int) -> Pixels {
        func row(_ k: Int) -> Lanes {
            let halves = SIMD2<UInt64>(UnsafeRawPointer(first + k * stride).loadUnaligned(as: UInt64.self),
                                       UnsafeRawPointer(second + k * stride).loadUnaligned(as: UInt64.self))
            return Lanes(truncatingIfNeeded: unsafeBitCast(halves, to: SIMD16<UInt8>.self))
        }
        return Pixels(p3: row(-4), p2: row(-3), p1: row(-2), p0: row(-1), q0: row(0), q1: row(1), q2: row(2), q3: row(3))
    }

    @inline(__always)
    private static func storeHorizontal(_ pixels: Pixels, _ first: UnsafeMutablePointer<UInt8>,
                                        _ second: UnsafeMutablePointer<UInt8>, _ stride: Int) {
        func row(_ k: Int, _ lanes: Lanes) {
            let halves = unsafeBitCast(SIMD16<UInt8>(truncatingIfNeeded: lanes), to: SIMD2<UInt64>.self)
            UnsafeMutableRawPointer(first + k * stride).storeBytes(of: halves[0], as: UInt64.self)
            UnsafeMutableRawPointer(second + k * stride).storeBytes(of: halves[1], as: UInt64.self)
        }
        row(-3, pixels.p2)
        row(-2, pixels.p1)
        row(-1, pixels.p0)
        row(0, pixels.q0)
        row(1, pixels.q1)
        row(2, pixels.q2)
    }

    /// The pixels across a vertical edge: eight bytes of each of eight rows from each
    /// pointer, transposed by splitting each row's 64 bits into halves, quarters, bytes.
    @inline(__always)
    private static func loadVertical(_ first: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>,
                                     _ stride: Int) -> Pixels {
        var rows = SIMD16<UInt64>()
        for r in 0..<8 {
            rows[r] = UnsafeRawPointer(first + r * stride - 4).loadUnaligned(as: UInt64.self)
            rows[r + 8] = UnsafeRawPointer(second + r * stride - 4).loadUnaligned(as: UInt64.self)
        }
        let low = SIMD16<UInt32>(truncatingIfNeeded: rows), high = SIMD16<UInt32>(truncatingIfNeeded: rows &>> 32)
        let pairs = (SIMD16<UInt16>(truncatingIfNeeded: low), SIMD16<UInt16>(truncatingIfNeeded: low &>> 16),
                     SIMD16<UInt16>(truncatingIfNeeded: high), SIMD16<UInt16>(truncatingIfNeeded: high &>> 16))
        func even(_ pair: SIMD16<UInt16>) -> Lanes { Lanes(truncatingIfNeeded: pair & 0xFF) }
        func odd(_ pair: SIMD16<UInt16>) -> Lanes { Lanes(truncatingIfNeeded: pair &>> 8) }
        return Pixels(p3: even(pairs.0), p2: odd(pairs.0), p1: even(pairs.1), p0: odd(pairs.1),
                      q0: even(pairs.2), q1: odd(pairs.2), q2: even(pairs.3), q3: odd(pairs.3))
    }

    @inline(__always)
    private static func storeVertical(_ pixels: Pixels, _ first: UnsafeMutablePointer<UInt8>,
                                      _ second: UnsafeMutablePointer<UInt8>, _ stride: Int) {
        func pair(_ even: Lanes, _ odd: Lanes) -> SIMD16<UInt32> {
            SIMD16<UInt32>(truncatingIfNeeded: SIMD16<UInt16>(truncatingIfNeeded: even) | SIMD16<UInt16>(truncatingIfNeeded: odd) &<< 8)
        }
        let low = pair(pixels.p3, pixels.p2) | pair(pixels.p1, pixels.p0) &<< 16
        let high = pair(pixels.q0, pixels.q1) | pair(pixels.q2, pixels.q3) &<< 16
        let rows = SIMD16<UInt64>(truncatingIfNeeded: low) | SIMD16<UInt64>(truncatingIfNeeded: high) &<< 32
        for r in 0..<8 {
            UnsafeMutableRawPointer(first + r * stride - 4).storeBytes(of: rows[r], as: UInt64.self)
            UnsafeMutableRawPointer(second + r * stride - 4).storeBytes(of: rows[r + 8], as: UInt64.self)
        }
    }

    // Minimum and maximum by arithmetic on the sign of the difference (the lanes' values
    // stay far inside 16 bits): the standard library's `pointwiseMin`, `pointwiseMax` and
    // `clamped` are calls here, not vector instructions.
    @inline(__always) private static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes {
        let difference = b &- a
        return a &+ (difference & (difference &>> 15))
    }
    @inline(__always) private static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes {
        let difference = b &- a
        return b &- (difference & (difference &>> 15))
    }
    @inline(__always) private static func clamp(_ v: Lanes, _ low: Int16, _ high: Int16) -> Lanes {
        minimum(maximum(v, Lanes(repeating: low)), Lanes(repeating: high))
    }
    @inline(__always) private static func clampSigned(_ v: Lanes) -> Lanes { clamp(v, -128, 127) }
    @inline(__always) private static func clampSixteen(_ v: Lanes) -> Lanes { clamp(v, -16, 15) }
    @inline(__always) private static func pixel(_ v: Lanes) -> Lanes { clamp(v, 0, 255) }
    /// `|a - b|` of two pixels.
    @inline(__always) private static func distance(_ a: Lanes, _ b: Lanes) -> Lanes {
        let difference = a &- b, sign = difference &>> 15
        return (difference ^ sign) &- sign
    }

    /// Where `4 |p0 - q0| + |p1 - q1|` is at most `2 * threshold + 1`.
    @inline(__always)
    private static func edgeMask(_ e: Pixels, _ threshold: Int32) -> SIMDMask<SIMD16<Int16.SIMDMaskScalar>> {
        let difference = 4 &* distance(e.p0, e.q0) &+ distance(e.p1, e.q1)
        return difference .<= Lanes(repeating: Int16(truncatingIfNeeded: 2 &* threshold &+ 1))
    }

    /// The new p0 and q0 where only those two change (the simple filter, and the normal
    /// filter where the edge has high variance).
    @inline(__always)
    private static func filter2(_ e: Pixels) -> (p0: Lanes, q0: Lanes) {
        let a = 3 &* (e.q0 &- e.p0) &+ clampSigned(e.p1 &- e.q1)
        let a1 = clampSixteen((a &+ 4) &>> 3)
        let a2 = clampSixteen((a &+ 3) &>> 3)
        return (pixel(e.p0 &+ a2), pixel(e.q0 &- a1))
    }

    /// The simple filter across one luma edge, where `4 |p0 - q0| + |p1 - q1|` is at most
    /// `2 * threshold + 1`.
    @inline(never)
    static func simple(_ first: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, stride: Int,
                       vertical: Bool, threshold: Int32) {
        var e = vertical ? loadVertical(first, second, stride) : loadHorizontal(first, second, stride)
        let mask = edgeMask(e, threshold)
        let (p0, q0) = filter2(e)
        e.p0.replace(with: p0, where: mask)
        e.q0.replace(with: q0, where: mask)
        if vertical { storeVertical(e, first, second, stride) } else { storeHorizontal(e, first, second, stride) }
    }

    /// The normal filter across one edge of sixteen pixels, a macroblock edge
    /// (`macroblockEdge`) or an inner edge between sub-blocks.
    @inline(never)
    static func normal(_ first: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, stride: Int,
                       vertical: Bool, threshold: Int32, interior: Int32, hevThreshold: Int32, macroblockEdge: Bool) {
        var e = vertical ? loadVertical(first, second, stride) : loadHorizontal(first, second, stride)
        let outerP = distance(e.p1, e.p0), outerQ = distance(e.q1, e.q0)
        var largest = maximum(maximum(distance(e.p3, e.p2), distance(e.p2, e.p1)), outerP)
        largest = maximum(largest, maximum(maximum(distance(e.q3, e.q2), distance(e.q2, e.q1)), outerQ))
        let filtered = edgeMask(e, threshold) .& (largest .<= Lanes(repeating: Int16(truncatingIfNeeded: interior)))
        if !any(filtered) { return }
        let highVariance = maximum(outerP, outerQ) .> Lanes(repeating: Int16(truncatingIfNeeded: hevThreshold))
        let (p0, q0) = filter2(e)
        let smooth = filtered .& .!highVariance
        if macroblockEdge {
            let a = clampSigned(3 &* (e.q0 &- e.p0) &+ clampSigned(e.p1 &- e.q1))
            let w1 = (27 &* a &+ 63) &>> 7, w2 = (18 &* a &+ 63) &>> 7, w3 = (9 &* a &+ 63) &>> 7
            e.p2.replace(with: pixel(e.p2 &+ w3), where: smooth)
            e.p1.replace(with: pixel(e.p1 &+ w2), where: smooth)
            e.p0.replace(with: pixel(e.p0 &+ w1), where: smooth)
            e.q0.replace(with: pixel(e.q0 &- w1), where: smooth)
            e.q1.replace(with: pixel(e.q1 &- w2), where: smooth)
            e.q2.replace(with: pixel(e.q2 &- w3), where: smooth)
        } else {
            let a = 3 &* (e.q0 &- e.p0)
            let a1 = clampSixteen((a &+ 4) &>> 3), a2 = clampSixteen((a &+ 3) &>> 3)
            let a3 = (a1 &+ 1) &>> 1
            e.p1.replace(with: pixel(e.p1 &+ a3), where: smooth)
            e.p0.replace(with: pixel(e.p0 &+ a2), where: smooth)
            e.q0.replace(with: pixel(e.q0 &- a1), where: smooth)
            e.q1.replace(with: pixel(e.q1 &- a3), where: smooth)
        }
        let sharp = filtered .& highVariance
        e.p0.replace(with: p0, where: sharp)
        e.q0.replace(with: q0, where: sharp)
        if vertical { storeVertical(e, first, second, stride) } else { storeHorizontal(e, first, second, stride) }
    }
}
