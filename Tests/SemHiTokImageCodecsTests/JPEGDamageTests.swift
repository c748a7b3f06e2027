import Foundation
import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Damaged JPEG data against Pillow (Spec/jpeg.md section 4.7), over the seeded damage of
/// golden/images/jpeg/damaged written by tools/make_jpeg_damage_fixtures.py: Huffman-coded
/// files (DCT and lossless) decode to Pillow's pixels wherever Pillow returns an image;
/// arithmetic-coded damage that libjpeg patches over is refused, never decoded to other
/// pixels; files Pillow raises on are refused with a named error.
struct JPEGDamageTests {
    private static let folder = RepositoryPaths.golden("images/jpeg/damaged")

    /// The mismatches against Pillow, by file name.
    private static func mismatches() throws -> (count: Int, lines: [String: String]) {
        let result = try PillowImageFixtures.mismatches(in: folder) { try JPEGDecoder.decode($0) }
        var lines: [String: String] = [:]
        for line in result.lines {
            let name = String(line.prefix { $0 != ":" })
            lines[name] = line
        }
        return (result.count, lines)
    }

    @Test func huffmanCodedDamageDecodesToPillowsPixels() throws {
        let (count, lines) = try Self.mismatches()
        #expect(count == 93)
        #expect(lines.keys.filter { !$0.hasPrefix("arithmetic_") } == [])
    }

    /// Of the 10 arithmetic-coded files Pillow decodes, 7 equal its pixels and 3 are
    /// refused: a scan cut and closed with EOI where restarts were due, a scan cut where
    /// the next scan's header follows, an RST marker inside an interval.
    @Test func arithmeticDamageIsRefusedRatherThanMisdecoded() throws {
        let (_, lines) = try Self.mismatches()
        let arithmetic = lines.filter { $0.key.hasPrefix("arithmetic_") }
        #expect(Set(arithmetic.keys) == ["arithmetic_last_scan_cut_eoi.jpg", "arithmetic_middle_scan_cut.jpg",
                                         "arithmetic_rst5_inside.jpg"])
        #expect(arithmetic.values.allSatisfy { $0.contains(": corrupt: ") })
    }

    @Test func filesPillowRaisesOnAreRefused() throws {
        let cut = ImageDecodingProblem.truncated("the entropy-coded data of scan 1")
        var expected: [String: ImageDecodingProblem] = [:]
        for source in ["arithmetic", "baseline420", "baseline444", "grey", "lossless", "progressive", "progressive_restart",
                       "restart"] {
            expected[source + "_cut.jpg"] = cut
        }
        expected["arithmetic_bytes2.jpg"] = .corrupt("scan 1 expects restart marker RST1 but finds marker FFCE")
        let lines = try PillowImageFixtures.refusalMismatches(in: Self.folder, expected: expected) { bytes throws(ImageDecodingProblem) in
            try JPEGDecoder.decode(bytes)
        }
        #expect(lines == [])
    }

    /// A scan cut short and closed with EOI: Pillow keeps the MCUs decoded before the cut
    /// and gives the rest, whose coefficients libjpeg leaves at zero, the value 128 in
    /// every channel; so does the decoder.
    @Test func scanCutShortKeepsTheDecodedMCUsAndFillsTheRestWithGrey() throws {
        let expected = try WeightFile(contentsOf: Self.folder + "/expected.shw")
        let name = "baseline444_cut_eoi.jpg"
        let tensor = try #require(expected.tensors.first { $0.name == name })
        let pillow = Array(expected.bytes(of: tensor))
        let image = try JPEGDecoder.decode(try readBytes(Self.folder + "/" + name))
        #expect(image.pixels == pillow)
        // Pillow's last row is grey and its first is not.
        let rowBytes = 3 * image.width
        #expect(pillow.suffix(rowBytes).allSatisfy { $0 == 128 })
        #expect(!pillow.prefix(rowBytes).allSatisfy { $0 == 128 })
    }
}
