import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// WebP files Pillow refuses (golden/images/webp/refused, each checked against Pillow by
/// tools/make_webp_fixtures.py) are refused with the error Spec/webp.md names; every cut
/// of a valid file is *truncated*; sizes beyond the limits are refused before allocation.
struct WebPErrorTests {
    static let expected: [String: ImageDecodingProblem] = [
        "alph_before_vp8l.webp": .corrupt("a VP8L chunk after an ALPH chunk"),
        "alph_after_image_with_alpha_flag.webp": .corrupt("frame 1's ALPH chunk follows its image chunk"),
        "anim_chunk_4_bytes.webp": .corrupt("the ANIM chunk has 4 bytes, at least 6 are needed"),
        "animation_flag_still_image.webp": .corrupt("a 'VP8L' chunk outside ANMF in an animation"),
        "anmf_alph_after_image.webp": .corrupt("frame 1's ALPH chunk follows its image chunk"),
        "anmf_alph_only_frame.webp": .corrupt("a frame follows one without an image chunk"),
        "anmf_frame_too_large.webp": .corrupt("frame 1 is 16777216 x 16777216, beyond libwebp's limit"),
        "empty_anmf_last.webp": .corrupt("frame 2's chunks run past the RIFF chunk"),
        "second_frame_outside_canvas.webp": .corrupt("frame 2 (37 x 23 at 4, 8) leaves the 40 x 30 canvas"),
        "second_frame_signature.webp": .corrupt("the VP8L signature byte is 0x2E, not 0x2F"),
        "vp8l_after_alph_after_image.webp": .corrupt("a VP8L chunk after an ALPH chunk"),
        "anmf_before_anim.webp": .corrupt("an ANMF chunk before the ANIM chunk"),
        "chunk_beyond_riff.webp": .corrupt("the 'VP8L' chunk's 240 bytes run past the RIFF chunk's end"),
        "colour_cache_12_bits.webp": .corrupt("the colour cache has 12 bits, 1 to 11 are allowed"),
        "copy_before_start.webp": .corrupt("an LZ77 copy at pixel 0 reaches back 4 pixels"),
        "distance_code_without_symbols.webp": .corrupt("the distance code has no symbols"),
        "first_chunk_unknown.webp": .corrupt("the first chunk is 'ABCD', not VP8, VP8L or VP8X"),
        "frame_outside_canvas.webp": .corrupt("frame 1 (37 x 23 at 4, 8) leaves the 40 x 30 canvas"),
        "incomplete_code.webp": .corrupt("the green, length and cache code is incomplete"),
        "over_subscribed_code.webp": .corrupt("the code-length code of the green, length and cache code is over-subscribed"),
        "trailing_bytes_in_riff.webp": .corrupt("3 bytes after the last chunk, too few for a chunk header"),
        "transform_twice.webp": .corrupt("the subtract-green transform comes twice"),
        "truncated_bitstream.webp": .truncated("the VP8L bitstream"),
        "truncated_header.webp": .truncated("the RIFF header"),
        "truncated_riff.webp": .truncated("the RIFF chunk: the file has 250 of its 260 bytes"),
        "vp8l_signature.webp": .corrupt("the VP8L signature byte is 0x2E, not 0x2F"),
        "vp8l_version.webp": .corrupt("the VP8L version is 1, only 0 is defined"),
        "vp8x_canvas_mismatch.webp": .corrupt("the image is 37 x 23, the VP8X canvas 36 x 23"),
        "vp8x_size_12.webp": .corrupt("the VP8X chunk has 12 bytes, 10 are required"),
        "vp8x_unknown_flag.webp": .corrupt("the VP8X flags are 0x1, unknown bits are set"),
    ]

    @Test func everyRefusedFileIsRefusedWithItsError() throws {
        let folder = RepositoryPaths.golden("images/webp")
        #expect(try PillowImageFixtures.refusalMismatches(in: folder, expected: Self.expected) { bytes throws(ImageDecodingProblem) in
            try WebPDecoder.decode(bytes)
        } == [])
    }

    @Test func notAWebPIsCorrupt() {
        #expect(throws: ImageDecodingProblem.corrupt("not a WebP file: it does not start with RIFF....WEBP")) {
            try WebPDecoder.decode(Array("RIFF\u{4}\0\0\0AVI LIST".utf8))
        }
    }

    /// Every proper prefix of three fixtures is *truncated*: the RIFF chunk's size then
    /// exceeds the file, which libwebp's demuxer refuses.
    @Test func everyCutIsTruncated() throws {
        for name in ["pillow_gradient_37x23_method4_quality50.webp", "craft_animated_offset_frame.webp",
                     "pillow_vp8x_exif_icc_xmp.webp"] {
            let bytes = try readBytes(RepositoryPaths.golden("images/webp/" + name))
            #expect(cutsNotReportedAsTruncated(bytes, at: Array(0..<bytes.count), label: name) { bytes throws(ImageDecodingProblem) in
                _ = try WebPDecoder.decode(bytes)
            } == [])
        }
    }

    /// A VP8X canvas beyond the limits is refused before pixels are allocated.
    @Test func aLargeCanvasIsTooLarge() {
        let payload: [UInt8] = [0x2F, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0]
        var bytes = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0]
        bytes += [0xFF, 0x3F, 0, 0xFF, 0x3F, 0] + Array("VP8L".utf8) + [UInt8(payload.count), 0, 0, 0] + payload
        bytes.replaceSubrange(4..<8, with: [UInt8(bytes.count - 8), 0, 0, 0])
        #expect(throws: ImageDecodingProblem.tooLarge(width: 16384, height: 16384, limit: 1 << 26)) { try WebPDecoder.decode(bytes) }
    }

    /// A decompression bomb: a 16384 x 16384 lossless header over a few bytes of data is
    /// refused by the limits before anything proportional to its size is allocated.
    @Test func aDecompressionBombIsRefusedBeforeAllocation() {
        let header: [UInt8] = [0x2F, 0xFF, 0xFF, 0xFF, 0x0F]
        let payload = header + [0, 0, 0]
        let bytes = Array("RIFF".utf8) + [UInt8(12 + payload.count), 0, 0, 0] + Array("WEBPVP8L".utf8) + [UInt8(payload.count), 0, 0, 0] + payload
        #expect(throws: ImageDecodingProblem.tooLarge(width: 16384, height: 16384, limit: 1 << 26)) { try WebPDecoder.decode(bytes) }
        #expect(throws: ImageDecodingProblem.tooLarge(width: 16384, height: 16384, limit: 1 << 20)) {
            try WebPDecoder.decode(bytes, limits: ImageLimits(maximumPixelCount: 1 << 20))
        }
    }

    /// Each kind of problem the decoder names, from a minimal file: truncated (the RIFF
    /// header, a lossy frame without its partitions), corrupt (a damaged VP8 start code),
    /// tooLarge.
    @Test func eachErrorKindIsNamed() {
        #expect(throws: ImageDecodingProblem.truncated("the RIFF header")) { try WebPDecoder.decode(Array("RIFF".utf8)) }
        let vp8: [UInt8] = [0x10, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x01, 0x00, 0x01, 0x00]
        let lossy = Array("RIFF".utf8) + [UInt8(12 + vp8.count), 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8(vp8.count), 0, 0, 0] + vp8
        // Pillow refuses it too ("failed to read next frame"): the first partition is empty.
        let error = #expect(throws: ImageDecodingProblem.self) { try WebPDecoder.decode(lossy) }
        if case .truncated = error {} else { Issue.record("an empty first partition gave \(String(describing: error))") }
        var bad = lossy
        bad[20 + 3] = 0
        #expect(throws: ImageDecodingProblem.corrupt("the VP8 start code is missing")) { try WebPDecoder.decode(bad) }
        let lossless = Array("RIFF".utf8) + [20, 0, 0, 0] + Array("WEBPVP8L".utf8) + [8, 0, 0, 0, 0x2F, 0x09, 0x40, 0x00, 0x00, 0, 0, 0]
        #expect(throws: ImageDecodingProblem.tooLarge(width: 10, height: 2, limit: 16)) {
            try WebPDecoder.decode(lossless, limits: ImageLimits(maximumPixelCount: 16))
        }
    }
}
