/// The first 10 bytes of a lossy VP8 key frame, as far as the container needs them
/// (Spec/webp.md section 2.4): the frame tag, the start code and the size. The frame itself
/// is decoded by `VP8Decoder` (Spec/vp8.md).
struct VP8FrameSize {
    let width: Int
    let height: Int

    /// The header of the VP8 chunk payload `payload` whose declared size is `chunkSize`,
    /// checked as libwebp's `VP8GetInfo` checks it.
    init(_ payload: UnsafeRawBufferPointer, chunkSize: Int) throws(ImageDecodingProblem) {
        guard payload.count >= 10 else { throw .corrupt("the VP8 chunk is shorter than its 10-byte frame header") }
        guard payload[3] == 0x9D, payload[4] == 0x01, payload[5] == 0x2A else { throw .corrupt("the VP8 start code is missing") }
        let tag = Int(payload[0]) | Int(payload[1]) << 8 | Int(payload[2]) << 16
        guard tag & 1 == 0 else { throw .corrupt("the VP8 frame is not a key frame") }
        guard (tag >> 1) & 7 <= 3 else { throw .corrupt("the VP8 profile is \((tag >> 1) & 7), at most 3 is defined") }
        guard (tag >> 4) & 1 == 1 else { throw .corrupt("the VP8 frame is not shown") }
        guard tag >> 5 < chunkSize else { throw .corrupt("the VP8 first partition's \(tag >> 5) bytes exceed the chunk") }
        width = (Int(payload[6]) | Int(payload[7]) << 8) & 0x3FFF
        height = (Int(payload[8]) | Int(payload[9]) << 8) & 0x3FFF
        guard width > 0, height > 0 else { throw .corrupt("the VP8 frame is \(width) x \(height) pixels") }
    }
}
