/// The DCT tokens of one macroblock (RFC 6386 section 13) to dequantized coefficients, with
/// libwebp's record of which blocks need which inverse transform (Spec/vp8.md section 5).
struct VP8Residuals {
    /// `[type 4][band 8][context 3][node 11]`.
    let probabilities: UnsafePointer<UInt8>
    /// For each zigzag position 0 ... 16, the offset of its band in a type's probabilities.
    let bandOffsets: UnsafePointer<Int>
    let zigzag: UnsafePointer<Int>

    /// Reads the coefficients of one block of `type` (0: luma after a Y2 block, 1: Y2,
    /// 2: chroma, 3: luma with its DC) from position `first`, into `out` in raster order,
    /// each token times `dc` (position 0) or `ac`, kept to 16 bits as libwebp keeps it.
    /// Returns the position after the last non-zero token, or `first` if there is none.
    @inline(__always)
    func block(_ decoder: inout VP8BoolDecoder, type: Int, context: Int, dc: Int32, ac: Int32, first: Int,
               out: UnsafeMutablePointer<Int16>) -> Int {
        let table = probabilities + 264 * type
        var n = first
        var p = table + bandOffsets[n] + 11 * context
        while n < 16 {
            if !decoder.bit(UInt32(p[0])) { return n }
            while !decoder.bit(UInt32(p[1])) {
                n += 1
                if n == 16 { return 16 }
                p = table + bandOffsets[n]
            }
            let next = table + bandOffsets[n + 1]
            let magnitude: Int32
            if !decoder.bit(UInt32(p[2])) {
                magnitude = 1
                p = next + 11
            } else {
                magnitude = Self.largeMagnitude(&decoder, p)
                p = next + 22
            }
            let value = decoder.signed(magnitude) &* (n > 0 ? ac : dc)
            out[zigzag[n]] = Int16(truncatingIfNeeded: value)
            n += 1
        }
        return 16
    }

    /// A token of magnitude two or more: DCT tokens 2 to 4 and the categories with extra
    /// bits (section 13.2).
    @inline(__always)
    private static func largeMagnitude(_ decoder: inout VP8BoolDecoder, _ p: UnsafePointer<UInt8>) -> Int32 {
        if !decoder.bit(UInt32(p[3])) {
            if !decoder.bit(UInt32(p[4])) { return 2 }
            return 3 + (decoder.bit(UInt32(p[5])) ? 1 : 0)
        }
        if !decoder.bit(UInt32(p[6])) {
            if !decoder.bit(UInt32(p[7])) { return 5 + (decoder.bit(159) ? 1 : 0) }
            return 7 + (decoder.bit(165) ? 2 : 0) + (decoder.bit(145) ? 1 : 0)
        }
        let high = decoder.bit(UInt32(p[8])) ? 1 : 0
        let category = 2 * high + (decoder.bit(UInt32(p[9 + high])) ? 1 : 0)
        var extra: Int32 = 0
        for probability in VP8Tables.categoryProbabilities[category] {
            extra = 2 * extra + (decoder.bit(probability) ? 1 : 0)
        }
        return extra + 3 + (8 << Int32(category))
    }

    /// Reads every block of a macroblock into `coefficients` (384 values, zero on entry:
    /// 16 luma blocks, 4 U, 4 V, 16 each) and sets `transforms[block]` by the position after
    /// its last non-zero token, as libwebp chooses its transform: 0 (nothing to add), 1 (the
    /// DC alone), 2 (tokens in the first three positions only) or 3 (any later one). `above` and `left` are the nine
    /// non-zero flags of the neighbouring blocks (4 luma, 2 U, 2 V, then Y2), updated.
    /// Returns whether any block has a transform.
    func macroblock(_ decoder: inout VP8BoolDecoder, subBlocks: Bool, quantization q: VP8Dequantization,
                    coefficients: UnsafeMutablePointer<Int16>, transforms: UnsafeMutablePointer<UInt8>,
                    above: UnsafeMutablePointer<UInt8>, left: UnsafeMutablePointer<UInt8>) -> Bool {
        var first = 0
        var type = 3
        if !subBlocks {
            var secondOrder: (Int16, Int16, Int16, Int16, Int16, Int16, Int16, Int16,
                              Int16, Int16, Int16, Int16, Int16, Int16, Int16, Int16) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &secondOrder) { raw in
                let values = raw.baseAddress!.assumingMemoryBound(to: Int16.self)
                let count = block(&decoder, type: 1, context: Int(above[8] + left[8]), dc: q.y2.dc, ac: q.y2.ac,
                                  first: 0, out: values)
                above[8] = count > 0 ? 1 : 0
                left[8] = above[8]
                if count > 0 { VP8InverseTransform.walshHadamard(values, into: coefficients) }
            }
            first = 1
            type = 0
        }
        var any = false
        for y in 0..<4 {
            for x in 0..<4 {
                let index = 4 * y + x
                let out = coefficients + 16 * index
                let count = block(&decoder, type: type, context: Int(above[x] + left[y]), dc: q.y1.dc, ac: q.y1.ac,
                                  first: first, out: out)
                let flag: UInt8 = count > first ? 1 : 0
                above[x] = flag
                left[y] = flag
                let transform: UInt8 = count > 3 ? 3 : count > 1 ? 2 : out[0] != 0 ? 1 : 0
                transforms[index] = transform
                any = any || transform != 0
            }
        }
        for plane in 0..<2 {
            for y in 0..<2 {
                for x in 0..<2 {
                    let index = 16 + 4 * plane + 2 * y + x
                    let out = coefficients + 16 * index
                    let count = block(&decoder, type: 2, context: Int(above[4 + 2 * plane + x] + left[4 + 2 * plane + y]),
                                      dc: q.uv.dc, ac: q.uv.ac, first: 0, out: out)
                    let flag: UInt8 = count > 0 ? 1 : 0
                    above[4 + 2 * plane + x] = flag
                    left[4 + 2 * plane + y] = flag
                    let transform: UInt8 = count > 3 ? 3 : count > 1 ? 2 : out[0] != 0 ? 1 : 0
                    transforms[index] = transform
                    any = any || transform != 0
                }
            }
        }
        return any
    }
}
