import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// GIF decoding against Pillow: the committed fixtures of golden/images/gif, written and
/// decoded by tools/make_gif_fixtures.py. Spec/gif.md section 9 records the agreement
/// reached: every pixel equal.
struct GIFConformanceTests {
    static let folder = RepositoryPaths.golden("images/gif")

    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let result = try PillowImageFixtures.mismatches(in: Self.folder) { try GIFDecoder.decode($0) }
        #expect(result.count == 79)
        #expect(result.lines == [])
    }

    @Test func bytesAndBufferEntryPointsAgree() throws {
        let bytes = try readBytes(Self.folder + "/craft_offset_frame_transparency.gif")
        let fromArray = try GIFDecoder.decode(bytes)
        let fromBuffer = try bytes.withUnsafeBytes { try GIFDecoder.decode($0) }
        #expect(fromArray == fromBuffer)
    }

    /// The canvas grows to hold a first image that reaches beyond the logical screen
    /// (23 x 13 screen, 9 x 5 image at 18, 10), as Pillow's does.
    @Test func theCanvasHoldsAnImageBeyondTheScreen() throws {
        let image = try GIFDecoder.decode(try readBytes(Self.folder + "/craft_frame_beyond_screen.gif"))
        #expect((image.width, image.height) == (27, 15))
    }

    /// Outside the image the canvas is index 0's colour, not the background colour the
    /// screen descriptor names; transparent pixels and a transparent canvas are white.
    @Test func theCanvasIsIndexZeroOrTransparent() throws {
        let plain = try GIFDecoder.decode(try readBytes(Self.folder + "/craft_offset_frame.gif"))
        let bytes = try readBytes(Self.folder + "/craft_offset_frame.gif")
        let entries = try bytes.withUnsafeBytes { try GIFFirstFrame($0) }.globalTable?.entries ?? []
        #expect(Array(plain.pixels[0..<3]) == Array(entries[0..<3]))
        let transparent = try GIFDecoder.decode(try readBytes(Self.folder + "/craft_offset_frame_transparency.gif"))
        #expect(Array(transparent.pixels[0..<3]) == [255, 255, 255])
    }
}
