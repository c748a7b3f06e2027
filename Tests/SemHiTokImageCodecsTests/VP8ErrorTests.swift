import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// What the VP8 decoder refuses and how it names it (Spec/vp8.md section 4): the damaged
/// files of golden/images/webp-lossy/refused, which Pillow refuses too, and the limits.
struct VP8ErrorTests {
    static let folder = RepositoryPaths.golden("images/webp-lossy")

    /// The first partition's declared size, from the frame tag of `file` (bits 5 to 23 of
    /// the three bytes after the chunk header).
    static func firstPartitionSize(_ file: [UInt8]) -> Int {
        (Int(file[20]) | Int(file[21]) << 8 | Int(file[22]) << 16) >> 5
    }

    @Test func refusesWhatPillowRefusesWithNamedErrors() throws {
        let cut = try readBytes(Self.folder + "/refused/first_partition_cut.webp")
        let cutSize = Int(cut[16]) | Int(cut[17]) << 8
        // The padding byte after an odd-sized payload is part of the frame (Spec/vp8.md section 2).
        let cutFrame = cutSize + cutSize % 2
        let lines = try PillowImageFixtures.refusalMismatches(in: Self.folder, expected: [
            "header_8_bytes.webp": .truncated("the VP8 frame header (8 of 10 bytes)"),
            "start_code.webp": .corrupt("the VP8 start code is 9D 01 2B, not 9D 01 2A"),
            "interframe.webp": .corrupt("the VP8 frame is not a key frame"),
            "invisible.webp": .unsupported("a VP8 frame that is not shown (show_frame 0)"),
            "version_4.webp": .unsupported("VP8 version 4 (0 to 3 are defined)"),
            "zero_width.webp": .corrupt("the VP8 frame is 0 x 40 pixels"),
            "first_partition_cut.webp": .truncated(
                "the first partition (\(Self.firstPartitionSize(cut)) bytes declared, \(cutFrame - 10) present)"),
            "no_token_partition.webp": .truncated("the token partitions (the last one is empty)"),
            // 16 x 16 pixels: the only macroblock is (0, 0).
            "tokens_cut_one_macroblock.webp": .truncated("token partition 0 (macroblock 0, 0)"),
        ]) { (bytes: [UInt8]) throws(ImageDecodingProblem) -> RGBImage in
            try VP8Decoder.decode(VP8TestFile.payloadOrEmpty(bytes))
        }
        #expect(lines == [])
    }

    /// A key-frame header declaring 16383 x 16383 pixels (the largest 14-bit size) is
    /// refused against a limit of 2^22 pixels before any plane is allocated: the frame is
    /// only its 10 header bytes and an empty first partition.
    @Test func refusesASizeBeyondTheLimitsBeforeAllocating() {
        let frame: [UInt8] = [0x10, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0xFF, 0x3F, 0xFF, 0x3F]
        #expect(throws: ImageDecodingProblem.tooLarge(width: 16383, height: 16383, limit: 1 << 22)) {
            try VP8Decoder.decode(frame, limits: ImageLimits(maximumPixelCount: 1 << 22))
        }
    }

    /// The two scale bits above each 14-bit dimension do not change the size: WebP decodes
    /// at the coded size (Spec/vp8.md section 4.1).
    @Test func ignoresTheScaleBits() throws {
        let file = try readBytes(Self.folder + "/gradient_15x17_q50_m0.webp")
        var payload = Array(try VP8TestFile.payload(file))
        payload[7] |= 0xC0
        payload[9] |= 0x40
        let scaled = try VP8Decoder.decode(payload)
        #expect((scaled.width, scaled.height) == (15, 17))
        #expect(scaled == (try VP8TestFile.decode(file)))
    }
}
