import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Lossy WebP decoding against Pillow: the committed fixtures of golden/images/webp-lossy,
/// written and decoded by tools/make_webp_lossy_fixtures.py. Spec/vp8.md section 11
/// records the agreement reached: every pixel equal.
struct VP8ConformanceTests {
    static let folder = RepositoryPaths.golden("images/webp-lossy")

    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let result = try PillowImageFixtures.mismatches(in: Self.folder) { try VP8TestFile.decode($0) }
        #expect(result.count == 51)
        #expect(result.lines == [])
    }

    /// The fixture cut after its 7th of 8 token partitions (7 macroblock rows) decodes, as
    /// in Pillow, only because the padding byte after its odd-sized payload is part of the
    /// frame: without it the last partition is empty (Spec/vp8.md sections 2 and 4.3).
    @Test func thePaddingByteIsPartOfTheFrame() throws {
        let file = try readBytes(Self.folder + "/libwebp_partitions_8_last_is_the_padding_byte.webp")
        let withPadding = Array(try VP8TestFile.payload(file))
        #expect(withPadding.count % 2 == 0)
        #expect(throws: ImageDecodingProblem.truncated("the token partitions (the last one is empty)")) {
            try VP8Decoder.decode(Array(withPadding.dropLast()))
        }
    }
}

/// A simple-format WebP file (`RIFF` size `WEBP`, then one `VP8 ` chunk) as the tests read
/// it: the chunk's payload, found by the RIFF layout, with the padding byte that follows an
/// odd-sized payload, as libwebp's demuxer hands the frame to its decoder (Spec/vp8.md
/// section 2).
enum VP8TestFile {
    struct NotSimpleFormat: Error {}

    static func payload(_ file: [UInt8]) throws -> ArraySlice<UInt8> {
        guard file.count >= 20, Array(file[0..<4]) == Array("RIFF".utf8), Array(file[8..<12]) == Array("WEBP".utf8),
              Array(file[12..<16]) == Array("VP8 ".utf8) else { throw NotSimpleFormat() }
        let size = Int(file[16]) | Int(file[17]) << 8 | Int(file[18]) << 16 | Int(file[19]) << 24
        guard size + size % 2 <= file.count - 20 else { throw NotSimpleFormat() }
        return file[20..<(20 + size + size % 2)]
    }

    /// The payload, or no bytes when `file` is not in the simple format.
    static func payloadOrEmpty(_ file: [UInt8]) -> [UInt8] {
        (try? payload(file)).map(Array.init) ?? []
    }

    static func decode(_ file: [UInt8], limits: ImageLimits = .standard) throws -> RGBImage {
        try VP8Decoder.decode(Array(try payload(file)), limits: limits)
    }
}
