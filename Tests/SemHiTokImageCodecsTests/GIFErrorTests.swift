import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// GIF files Pillow refuses (golden/images/gif/refused, each checked against Pillow by
/// tools/make_gif_fixtures.py) are refused with the error Spec/gif.md names, and every cut
/// of a valid file is *truncated*.
struct GIFErrorTests {
    static let expected: [String: ImageDecodingProblem] = [
        "truncated_header.gif": .truncated("the GIF header and logical screen descriptor"),
        "truncated_global_table.gif": .truncated("the global colour table"),
        "truncated_image_data.gif": .truncated("the image data, after 0 of the image's 299 pixels"),
        "no_image.gif": .corrupt("the trailer comes before any image"),
        "end_code_early.gif": .truncated("the image data: the end code comes after 100 of the image's 299 pixels"),
        "code_size_13.gif": .corrupt("the LZW minimum code size is 13, at most 12 is allowed"),
        "first_code_is_table_code.gif": .corrupt("LZW code 6 follows a clear code; only single-pixel codes below 4 may"),
        "code_beyond_table.gif": .corrupt("LZW code 7 is beyond the table's next code 6"),
        "zero_width_frame.gif": .corrupt("the first image is 0 x 13 pixels"),
        "graphic_control_2_bytes.gif": .corrupt("the graphic control extension has 2 bytes, at least 3 are needed"),
        "graphic_control_3_bytes_transparent.gif":
            .corrupt("the graphic control extension sets a transparent colour but has only 3 bytes"),
        "grey_ramp_local_over_global_transparency.gif":
            .unsupported("a grey-ramp local colour table over a global one, with a transparent colour (Pillow refuses it)"),
    ]

    @Test func everyRefusedFileIsRefusedWithItsError() throws {
        let folder = RepositoryPaths.golden("images/gif")
        #expect(try PillowImageFixtures.refusalMismatches(in: folder, expected: Self.expected) { bytes throws(ImageDecodingProblem) in
            try GIFDecoder.decode(bytes)
        } == [])
    }

    @Test func notAGIFIsCorrupt() {
        #expect(throws: ImageDecodingProblem.corrupt("not a GIF file: it does not start with GIF87a or GIF89a")) {
            try GIFDecoder.decode(Array("GIF90a and more bytes".utf8))
        }
    }

    /// Every proper prefix of three fixtures is *truncated*: Pillow reads nothing of a GIF
    /// without its image's data complete.
    @Test func everyCutIsTruncated() throws {
        for name in ["craft_basic_23x13.gif", "craft_animated.gif", "craft_extensions.gif"] {
            let bytes = try readBytes(RepositoryPaths.golden("images/gif/" + name))
            let complete = try GIFDecoder.decode(bytes)
            // Cuts inside the trailer, or after the image's last sub-block, leave the image whole.
            let cuts = Array(0..<Self.imageDataEnd(of: bytes))
            #expect(cutsNotReportedAsTruncated(bytes, at: cuts, label: name) { bytes throws(ImageDecodingProblem) in
                _ = try GIFDecoder.decode(bytes)
            } == [])
            #expect(try GIFDecoder.decode(Array(bytes[..<Self.imageDataEnd(of: bytes)])) == complete)
        }
    }

    /// A screen whose canvas is beyond the limits is refused before pixels are allocated.
    @Test func aLargeCanvasIsTooLarge() {
        var bytes = Array("GIF89a".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0]
        bytes += [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0, 0x3B]
        #expect(throws: ImageDecodingProblem.tooLarge(width: 65_535, height: 65_535, limit: 1 << 26)) {
            try GIFDecoder.decode(bytes)
        }
    }

    /// The offset of the first image's block terminator: the fixtures' LZW data ends in its
    /// last sub-block, which completes the pixels.
    static func imageDataEnd(of bytes: [UInt8]) -> Int {
        guard var position = bytes.withUnsafeBytes({ try? GIFFirstFrame($0) })?.dataOffset else { return bytes.count }
        while bytes[position] != 0 { position += 1 + Int(bytes[position]) }
        return position
    }
}
