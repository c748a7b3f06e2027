import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// BMP decoding against Pillow: the committed fixtures of golden/images/bmp, written and
/// decoded by tools/make_bmp_fixtures.py. Spec/bmp.md section 9 records the agreement
/// reached: every pixel equal.
struct BMPConformanceTests {
    static let folder = RepositoryPaths.golden("images/bmp")

    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let result = try PillowImageFixtures.mismatches(in: Self.folder) { try BMPDecoder.decode($0) }
        #expect(result.count == 94)
        #expect(result.lines == [])
    }

    @Test func bytesAndBufferEntryPointsAgree() throws {
        let bytes = try readBytes(Self.folder + "/craft_rle4.bmp")
        let fromArray = try BMPDecoder.decode(bytes)
        let fromBuffer = try bytes.withUnsafeBytes { try BMPDecoder.decode($0) }
        #expect(fromArray == fromBuffer)
    }

    /// Top-down and bottom-up files holding the same rows give the same image, flipped.
    @Test func topDownRowsAreTheBottomUpRowsFlipped() throws {
        for (bottomUp, topDown) in [("craft_16bit_rgb.bmp", "craft_16bit_rgb_top_down.bmp"),
                                    ("craft_rle8.bmp", "craft_rle8_top_down.bmp")] {
            let a = try BMPDecoder.decode(try readBytes(Self.folder + "/" + bottomUp))
            let b = try BMPDecoder.decode(try readBytes(Self.folder + "/" + topDown))
            let rowBytes = 3 * a.width
            let flipped = (0..<a.height).reversed().flatMap { b.pixels[($0 * rowBytes)..<(($0 + 1) * rowBytes)] }
            #expect(a.pixels == flipped, "\(topDown)")
        }
    }

    /// A 16-bit channel of n bits scales by 255 / (2^n - 1), truncating: 5-bit 1 is 8, 16 is 131.
    @Test func sixteenBitChannelsScaleAsPillowDoes() throws {
        let image = try BMPDecoder.decode(try readBytes(Self.folder + "/craft_16bit_every_channel_value.bmp"))
        // Row 0 of the file is the bottom row; its pixel v has red v.
        let bottom = 3 * image.width * (image.height - 1)
        #expect(image.pixels[bottom + 3 * 1] == 8)
        #expect(image.pixels[bottom + 3 * 16] == 131)
        #expect(image.pixels[bottom + 3 * 31] == 255)
    }
}
