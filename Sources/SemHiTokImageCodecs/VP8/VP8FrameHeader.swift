/// Everything a key frame states before its macroblocks (RFC 6386 sections 9 and 19.1 to
/// 19.2, Spec/vp8.md section 4): the size from the uncompressed 10 bytes, then from the
/// first partition the segment and loop filter headers, the token partitions, the
/// quantizers and the coefficient probabilities. `modes` is left positioned at the first
/// macroblock's header.
struct VP8FrameHeader {
    let width: Int
    let height: Int
    var modes: VP8BoolDecoder
    let segmentation: VP8Segmentation
    let filter: VP8FilterHeader
    let dequantization: [VP8Dequantization]
    /// `[type 4][band 8][context 3][node 11]`, the defaults with this frame's updates.
    let coefficientProbabilities: [UInt8]
    /// The probability that a macroblock has no non-zero coefficient, when the frame codes it.
    let skipProbability: UInt32?
    /// The token partitions, `(start, count)` in the frame's bytes.
    let partitions: [(start: Int, count: Int)]

    /// Reads the uncompressed header only: the size, before anything is allocated.
    static func size(of frame: UnsafeRawBufferPointer) throws(ImageDecodingProblem) -> (width: Int, height: Int) {
        guard frame.count >= 10 else {
            throw .truncated("the VP8 frame header (\(frame.count) of 10 bytes)")
        }
        let tag = Int(frame[0]) | Int(frame[1]) << 8 | Int(frame[2]) << 16
        guard frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A else {
            throw .corrupt("the VP8 start code is \(hex(frame[3])) \(hex(frame[4])) \(hex(frame[5])), not 9D 01 2A")
        }
        guard tag & 1 == 0 else { throw .corrupt("the VP8 frame is not a key frame") }
        guard (tag >> 1) & 7 <= 3 else { throw .unsupported("VP8 version \((tag >> 1) & 7) (0 to 3 are defined)") }
        guard (tag >> 4) & 1 == 1 else { throw .unsupported("a VP8 frame that is not shown (show_frame 0)") }
        let firstPartition = tag >> 5
        guard firstPartition <= frame.count - 10 else {
            throw .truncated("the first partition (\(firstPartition) bytes declared, \(frame.count - 10) present)")
        }
        // The two top bits of each dimension are a scale for the display, which WebP ignores.
        let width = (Int(frame[6]) | Int(frame[7]) << 8) & 0x3FFF
        let height = (Int(frame[8]) | Int(frame[9]) << 8) & 0x3FFF
        guard width > 0, height > 0 else { throw .corrupt("the VP8 frame is \(width) x \(height) pixels") }
        return (width, height)
    }

    init(_ frame: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        (width, height) = try Self.size(of: frame)
        let firstPartition = (Int(frame[0]) | Int(frame[1]) << 8 | Int(frame[2]) << 16) >> 5
        var decoder = VP8BoolDecoder(frame, start: 10, count: firstPartition)
        // The colour space and clamping bits: libwebp decodes every frame as colour space 0
        // and always clamps.
        _ = decoder.bit(128)
        _ = decoder.bit(128)
        segmentation = VP8Segmentation(&decoder)
        if decoder.exhausted { throw .truncated("the segment header of the first partition") }
        filter = VP8FilterHeader(&decoder)
        if decoder.exhausted { throw .truncated("the loop filter header of the first partition") }
        partitions = try Self.partitions(frame, count: 1 << Int(decoder.literal(2)), after: 10 + firstPartition)
        dequantization = VP8Dequantization.table(&decoder, segmentation)
        // refresh_entropy_probs: a single frame has no later frame to keep probabilities for.
        _ = decoder.bit(128)
        var probabilities = VP8Tables.defaultCoefficientProbabilities
        for index in 0..<probabilities.count where decoder.bit(UInt32(VP8Tables.coefficientUpdateProbabilities[index])) {
            probabilities[index] = UInt8(decoder.literal(8))
        }
        coefficientProbabilities = probabilities
        skipProbability = decoder.bit(128) ? UInt32(decoder.literal(8)) : nil
        modes = decoder
    }

    /// The token partitions (RFC 6386 section 9.5): `count - 1` three-byte sizes, then the
    /// partitions, the last taking every remaining byte. A size beyond the data is cut to
    /// what remains, as libwebp does; the last partition must not be empty.
    private static func partitions(_ frame: UnsafeRawBufferPointer, count: Int, after start: Int) throws(ImageDecodingProblem) -> [(start: Int, count: Int)] {
        let sizesLength = 3 * (count - 1)
        guard frame.count - start >= sizesLength else {
            throw .truncated("the sizes of \(count) token partitions")
        }
        var result: [(start: Int, count: Int)] = []
        var next = start + sizesLength
        for index in 0..<(count - 1) {
            let at = start + 3 * index
            let declared = Int(frame[at]) | Int(frame[at + 1]) << 8 | Int(frame[at + 2]) << 16
            let size = min(declared, frame.count - next)
            result.append((next, size))
            next += size
        }
        guard next < frame.count else { throw .truncated("the token partitions (the last one is empty)") }
        result.append((next, frame.count - next))
        return result
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
