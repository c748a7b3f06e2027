import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// WebP decoding against Pillow: the committed fixtures of golden/images/webp, written and
/// decoded by tools/make_webp_fixtures.py. Spec/webp.md section 9 records the agreement
/// reached: every pixel equal.
struct WebPConformanceTests {
    static let folder = RepositoryPaths.golden("images/webp")

    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let result = try PillowImageFixtures.mismatches(in: Self.folder) { try WebPDecoder.decode($0) }
        #expect(result.count == 108)
        #expect(result.lines == [])
    }

    /// Whole lossy files through the container: every file of golden/images/webp-lossy
    /// (Spec/vp8.md's fixtures) and every lossy file with an alpha plane of
    /// golden/images/webp/alpha, composited over white, equal Pillow's pixels.
    @Test func decodesEveryLossyFileToPillowsPixels() throws {
        let lossy = try PillowImageFixtures.mismatches(in: RepositoryPaths.golden("images/webp-lossy")) { try WebPDecoder.decode($0) }
        #expect(lossy.count == 51)
        #expect(lossy.lines == [])
        let withAlpha = try PillowImageFixtures.mismatches(in: Self.folder + "/alpha") { try WebPDecoder.decode($0) }
        #expect(withAlpha.count == 16)
        #expect(withAlpha.lines == [])
    }

    /// The ALPH decoder gives Pillow's alpha plane (`getchannel("A")`) of every lossy file
    /// of golden/images/webp/alpha: raw and lossless planes, each filter, Pillow's own at
    /// several alpha qualities, and colour-indexed planes whose last step reads past the
    /// data, which libwebp accepts.
    @Test func decodesEveryAlphaPlaneToPillowsValues() throws {
        let expected = try WeightFile(contentsOf: Self.folder + "/alpha/expected_alpha.shw")
        #expect(expected.tensors.count == 16)
        for tensor in expected.tensors {
            let bytes = try readBytes(Self.folder + "/alpha/" + tensor.name)
            let plane = try bytes.withUnsafeBytes { raw in
                let container = try WebPContainer(raw)
                let image = container.firstImage
                let alpha = try #require(container.firstFrame.alpha, "\(tensor.name) has no ALPH chunk")
                return try WebPAlphaPlane.decode(UnsafeRawBufferPointer(rebasing: raw[alpha]), width: image.width, height: image.height)
            }
            #expect(plane == Array(expected.bytes(of: tensor)), "\(tensor.name)")
        }
    }

    @Test func bytesAndBufferEntryPointsAgree() throws {
        let bytes = try readBytes(Self.folder + "/craft_animated_offset_frame.webp")
        let fromArray = try WebPDecoder.decode(bytes)
        let fromBuffer = try bytes.withUnsafeBytes { try WebPDecoder.decode($0) }
        #expect(fromArray == fromBuffer)
    }

    /// An animation's first frame lies at its offset on the canvas; outside it the canvas
    /// is transparent black: white over white with the alpha flag, black without.
    @Test func theFirstFrameLiesOnATransparentCanvas() throws {
        let withAlpha = try WebPDecoder.decode(try readBytes(Self.folder + "/craft_animated_offset_frame.webp"))
        #expect((withAlpha.width, withAlpha.height) == (30, 20))
        #expect(Array(withAlpha.pixels[0..<3]) == [255, 255, 255])
        let withoutAlpha = try WebPDecoder.decode(try readBytes(Self.folder + "/craft_animated_offset_frame_no_alpha_flag.webp"))
        #expect(Array(withoutAlpha.pixels[0..<3]) == [0, 0, 0])
    }

    /// The VP8L alpha hint decides whether the decoded alpha counts, as libwebp reports it:
    /// the same pixels with the hint off keep their colours, with it on are composited.
    @Test func theAlphaHintDecidesCompositing() throws {
        let off = try WebPDecoder.decode(try readBytes(Self.folder + "/craft_alpha_hint_off.webp"))
        let on = try WebPDecoder.decode(try readBytes(Self.folder + "/craft_alpha_hint_on.webp"))
        // The generator makes the top quarter of the rows fully transparent.
        #expect(Array(on.pixels[0..<3]) == [255, 255, 255])
        #expect(off.pixels[0..<3] != on.pixels[0..<3])
    }

    /// `ImageFile` detects RIFF....WEBP and decodes it with this decoder.
    @Test func imageFileReadsWebP() throws {
        let path = Self.folder + "/pillow_gradient_17x31.webp"
        #expect(try ImageFile.read(path) == WebPDecoder.decode(try readBytes(path)))
        #expect(try readBytes(path).withUnsafeBytes { ImageFile.format(of: $0) } == .webp)
    }

    /// libwebp's own test corpus (a clone named by SEMHITOK_LIBWEBP_TEST_DATA) against
    /// golden/images/libwebp/expected.tsv, Pillow's pixels of each file by size and SHA-256
    /// (tools/make_libwebp_manifest.py): every file decodes to them, or is refused where
    /// Pillow refuses it. A file whose own digest differs is another version of the corpus.
    @Test(.enabled(if: RepositoryPaths.libwebpTestData != nil, "SEMHITOK_LIBWEBP_TEST_DATA is not set"))
    func decodesLibwebpsTestCorpusToPillowsPixels() throws {
        let corpus = try #require(RepositoryPaths.libwebpTestData)
        let manifest = String(decoding: try readBytes(RepositoryPaths.golden("images/libwebp/expected.tsv")), as: UTF8.self)
        let lines = manifest.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 130)
        for line in lines {
            let fields = line.split(separator: "\t").map(String.init)
            let bytes = try readBytes(corpus + "/" + fields[0])
            try #require(sha256Text(bytes) == fields[1], "\(fields[0]) is another version of the file")
            if fields[2] == "refused" {
                #expect(throws: ImageDecodingProblem.self, "\(fields[0])") { try WebPDecoder.decode(bytes) }
                continue
            }
            let image = try WebPDecoder.decode(bytes)
            #expect("\(image.width)\t\(image.height)\t\(sha256Text(image.pixels))" == fields[2...4].joined(separator: "\t"), "\(fields[0])")
        }
    }
}
