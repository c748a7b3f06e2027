/// The segment header of a frame (RFC 6386 sections 9.3 and 19.2): whether macroblocks
/// carry a segment number, and each segment's quantizer and loop filter level, absolute or
/// relative to the frame's.
struct VP8Segmentation {
    var enabled = false
    var updatesMap = false
    var absolute = true
    var quantizer: [Int32] = [0, 0, 0, 0]
    var filterLevel: [Int32] = [0, 0, 0, 0]
    /// The three probabilities of the segment tree; 255 where the header gives none.
    var treeProbabilities: [UInt32] = [255, 255, 255]

    /// Reads the header. A segment header without new data leaves every segment's
    /// quantizer and level at 0, absolute, as libwebp does (Spec/vp8.md section 4).
    init(_ decoder: inout VP8BoolDecoder) {
        enabled = decoder.bit(128)
        guard enabled else { return }
        updatesMap = decoder.bit(128)
        if decoder.bit(128) {
            absolute = decoder.bit(128)
            for segment in 0..<4 { quantizer[segment] = decoder.bit(128) ? decoder.signedLiteral(7) : 0 }
            for segment in 0..<4 { filterLevel[segment] = decoder.bit(128) ? decoder.signedLiteral(6) : 0 }
        }
        if updatesMap {
            for node in 0..<3 { treeProbabilities[node] = decoder.bit(128) ? UInt32(decoder.literal(8)) : 255 }
        }
    }
}

/// The loop filter header (RFC 6386 sections 9.6 and 19.2). Only the reference-frame delta
/// for intra frames and the mode delta for B_PRED apply to a key frame.
struct VP8FilterHeader {
    var simple = false
    var level: Int32 = 0
    var sharpness: Int32 = 0
    var usesDeltas = false
    var intraDelta: Int32 = 0
    var subBlockModeDelta: Int32 = 0

    init(_ decoder: inout VP8BoolDecoder) {
        simple = decoder.bit(128)
        level = decoder.literal(6)
        sharpness = decoder.literal(3)
        usesDeltas = decoder.bit(128)
        if usesDeltas, decoder.bit(128) {
            for index in 0..<4 where decoder.bit(128) {
                let delta = decoder.signedLiteral(6)
                if index == 0 { intraDelta = delta }
            }
            for index in 0..<4 where decoder.bit(128) {
                let delta = decoder.signedLiteral(6)
                if index == 0 { subBlockModeDelta = delta }
            }
        }
    }
}

/// How the edges of one macroblock are filtered (RFC 6386 section 15.2, Spec/vp8.md
/// section 8): `limit` is 0 when the macroblock is not filtered.
struct VP8EdgeFilter {
    var limit: Int32 = 0
    var interiorLimit: Int32 = 0
    var hevThreshold: Int32 = 0

    /// The strengths for each segment and for whole-macroblock (index 0) or sub-block
    /// (index 1) prediction: `[segment * 2 + isSubBlock]`.
    static func table(_ header: VP8FilterHeader, _ segmentation: VP8Segmentation) -> [VP8EdgeFilter] {
        var table = [VP8EdgeFilter](repeating: VP8EdgeFilter(), count: 8)
        for segment in 0..<4 {
            var base = header.level
            if segmentation.enabled {
                base = segmentation.filterLevel[segment] + (segmentation.absolute ? 0 : header.level)
            }
            for subBlocks in 0..<2 {
                var level = base
                if header.usesDeltas {
                    level += header.intraDelta
                    if subBlocks == 1 { level += header.subBlockModeDelta }
                }
                level = min(max(level, 0), 63)
                guard level > 0 else { continue }
                var interior = level
                if header.sharpness > 0 {
                    interior >>= header.sharpness > 4 ? 2 : 1
                    interior = min(interior, 9 - header.sharpness)
                }
                interior = max(interior, 1)
                table[segment * 2 + subBlocks] = VP8EdgeFilter(
                    limit: 2 * level + interior, interiorLimit: interior,
                    hevThreshold: level >= 40 ? 2 : level >= 15 ? 1 : 0)
            }
        }
        return table
    }
}

/// The dequantization factors of one segment (RFC 6386 sections 9.6 and 14.1): DC and AC
/// factors of the luma blocks, the second-order (Y2) block and the chroma blocks.
struct VP8Dequantization {
    var y1: (dc: Int32, ac: Int32)
    var y2: (dc: Int32, ac: Int32)
    var uv: (dc: Int32, ac: Int32)

    /// The factors of the four segments from the quantizer indices of the frame header
    /// that follow the partition count.
    static func table(_ decoder: inout VP8BoolDecoder, _ segmentation: VP8Segmentation) -> [VP8Dequantization] {
        let base = decoder.literal(7)
        var deltas: [Int32] = []
        for _ in 0..<5 { deltas.append(decoder.bit(128) ? decoder.signedLiteral(4) : 0) }
        let (y1DC, y2DC, y2AC, uvDC, uvAC) = (deltas[0], deltas[1], deltas[2], deltas[3], deltas[4])
        func step(_ table: [Int32], _ index: Int32, _ top: Int32 = 127) -> Int32 {
            table[Int(min(max(index, 0), top))]
        }
        return (0..<4).map { segment in
            var q = base
            if segmentation.enabled {
                q = segmentation.quantizer[segment] + (segmentation.absolute ? 0 : base)
            }
            return VP8Dequantization(
                y1: (step(VP8Tables.dcSteps, q + y1DC), step(VP8Tables.acSteps, q)),
                y2: (2 * step(VP8Tables.dcSteps, q + y2DC), max(step(VP8Tables.acSteps, q + y2AC) * 155 / 100, 8)),
                uv: (step(VP8Tables.dcSteps, q + uvDC, 117), step(VP8Tables.acSteps, q + uvAC)))
        }
    }
}
