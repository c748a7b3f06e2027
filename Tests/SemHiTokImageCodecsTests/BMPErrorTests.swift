import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// BMP files Pillow refuses (golden/images/bmp/refused, each checked against Pillow by
/// tools/make_bmp_fixtures.py) are refused with the error Spec/bmp.md names, and every cut
/// of a valid file that removes pixel data is *truncated*.
struct BMPErrorTests {
    static let expected: [String: ImageDecodingProblem] = [
        "truncated_file_header.bmp": .truncated("the BMP file header"),
        "truncated_info_header.bmp": .truncated("the 40-byte BMP info header"),
        "truncated_palette.bmp": .truncated("the pixel data (139 bytes of file needed, 100 present)"),
        "truncated_pixels.bmp": .truncated("the pixel data (139 bytes of file needed, 137 present)"),
        "header_size_20.bmp": .unsupported("a BMP info header of 20 bytes (12, 40, 52, 56, 64, 108 and 124 are read)"),
        "bits_2.bmp": .unsupported("2 bits per pixel (1, 4, 8, 16, 24 and 32 are read)"),
        "compression_jpeg.bmp": .unsupported("BMP compression 4 (0 none, 1 RLE8, 2 RLE4 and 3 bit fields are read)"),
        "bitfields_444.bmp": .unsupported("the bit-field masks [\"0xf00\", \"0xf0\", \"0xf\"] with 16 bits per pixel"),
        "bitfields_8bit.bmp": .unsupported("the bit-field masks [\"0xe0\", \"0x1c\", \"0x3\"] with 8 bits per pixel"),
        "rle8_24bit.bmp": .unsupported("run-length compression with 24 bits per pixel"),
        "rle8_ends_bitmap_early.bmp": .corrupt("the run-length data ends the bitmap after 5 of the image's 15 pixels"),
        "rle8_truncated.bmp": .truncated("the run-length data, after 7 of the image's 15 pixels"),
        "width_0.bmp": .corrupt("image size 0 x 3"),
        "palette_of_70000.bmp": .corrupt("a palette of 70000 colours (1 to 65536 are allowed)"),
        "palette_of_300_colours.bmp": .corrupt("a palette of 300 colours (Pillow reads at most 256)"),
        "grey_ramp_4bit_rows_wider_than_stride.bmp":
            .corrupt("rows of 8 bytes of grey samples do not fit the 4-byte rows of 4-bit pixels"),
        "grey_rows_wider_than_stride.bmp":
            .corrupt("rows of 40 bytes of grey samples do not fit the 8-byte rows of 1-bit pixels"),
    ]

    @Test func everyRefusedFileIsRefusedWithItsError() throws {
        let folder = RepositoryPaths.golden("images/bmp")
        #expect(try PillowImageFixtures.refusalMismatches(in: folder, expected: Self.expected) { bytes throws(ImageDecodingProblem) in
            try BMPDecoder.decode(bytes)
        } == [])
    }

    @Test func notABMPIsCorrupt() {
        #expect(throws: ImageDecodingProblem.corrupt("not a BMP file: it does not start with BM")) {
            try BMPDecoder.decode(Array("BA and more bytes".utf8))
        }
    }

    /// Every cut of uncompressed files before the last row's pixels is *truncated*; a cut
    /// in the last row's padding is not (Pillow reads no padding after the last row).
    @Test func everyCutIsTruncated() throws {
        for name in ["craft_header40_8bit.bmp", "craft_header12_24bit.bmp", "craft_32bit_bitfields_bgra_v5.bmp"] {
            let bytes = try readBytes(RepositoryPaths.golden("images/bmp/" + name))
            let image = try BMPDecoder.decode(bytes)
            let bits = Int(bytes[14] == 12 ? bytes[24] : bytes[28])
            let padding = (4 - (image.width * bits / 8) % 4) % 4
            #expect(cutsNotReportedAsTruncated(bytes, at: Array(0..<(bytes.count - padding)), label: name) { bytes throws(ImageDecodingProblem) in
                _ = try BMPDecoder.decode(bytes)
            } == [])
            #expect(try BMPDecoder.decode(Array(bytes[..<(bytes.count - padding)])) == image)
        }
    }

    /// A size beyond the limits is refused before pixels are allocated, and a negative
    /// height counts only when its top byte is FF (otherwise it is a huge positive height).
    @Test func aLargeSizeIsTooLarge() throws {
        var bytes = try readBytes(RepositoryPaths.golden("images/bmp/craft_header40_24bit.bmp"))
        bytes.replaceSubrange(22..<26, with: [0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: ImageDecodingProblem.tooLarge(width: 13, height: 0xFEFF_FFFF, limit: 1 << 26)) {
            try BMPDecoder.decode(bytes)
        }
        bytes.replaceSubrange(18..<26, with: [0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0])
        #expect(throws: ImageDecodingProblem.tooLarge(width: 0xFFFF_FFFF, height: 1, limit: 1 << 26)) {
            try BMPDecoder.decode(bytes)
        }
    }
}
