/// The 5-byte header of a VP8L bitstream (Spec/webp.md section 4.1): the signature byte
/// 0x2F, then, least significant bit first, 14 bits of width - 1, 14 bits of height - 1,
/// the alpha hint and a 3-bit version that must be 0.
struct VP8LHeader: Equatable {
    let width: Int
    let height: Int
    /// Whether the encoder says the image uses alpha: libwebp reports the image as having
    /// alpha exactly when this is set (the pixels' alpha is decoded either way).
    let alphaIsUsed: Bool

    static let size = 5

    /// The header at the start of `payload` (a VP8L chunk's payload); `truncated` when it
    /// has fewer than 5 bytes, `corrupt` for a wrong signature or version.
    init(_ payload: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        guard payload.count >= Self.size else { throw .truncated("the VP8L header") }
        guard payload[0] == 0x2F else { throw .corrupt("the VP8L signature byte is 0x\(String(payload[0], radix: 16, uppercase: true)), not 0x2F") }
        let bits = (1...4).reduce(UInt32(0)) { $0 | UInt32(payload[$1]) << (8 * ($1 - 1)) }
        guard bits >> 29 == 0 else { throw .corrupt("the VP8L version is \(bits >> 29), only 0 is defined") }
        width = Int(bits & 0x3FFF) + 1
        height = Int((bits >> 14) & 0x3FFF) + 1
        alphaIsUsed = (bits >> 28) & 1 == 1
    }
}

/// Decodes a VP8L chunk's payload to ARGB pixels (Spec/webp.md section 4).
enum VP8LDecoder {
    /// The header and the `width * height` ARGB pixels (alpha in the top byte) of `payload`.
    /// The caller has checked the header's size against the limits.
    static func decode(_ payload: UnsafeRawBufferPointer, header: VP8LHeader) throws(ImageDecodingProblem) -> [UInt32] {
        try VP8LImageStream.decode(payload, skipping: VP8LHeader.size, width: header.width, height: header.height)
    }
}
