import Foundation
import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Damaged JPEG data against Pillow (Spec/jpeg.md section 4.7), over the seeded damage of
/// golden/images/jpeg/damaged written by tools/make_jpeg_damage_fixtures.py: Huffman-coded
/// files (DCT and lossless) and arithmetic-coded ones decode to Pillow's pixels wherever
/// Pillow returns an image; files Pillow raises on are refused with a named error.
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

    /// Every file Pillow decodes, Huffman-coded or arithmetic-coded, gives its pixels.
    @Test func damageDecodesToPillowsPixels() throws {
        let (count, lines) = try Self.mismatches()
        #expect(count == 190)
        #expect(lines.isEmpty, "\(lines.values.sorted())")
    }

    /// The files whose arithmetic-coded data holds a bad code written on purpose (a DC or
    /// AC magnitude of 2^15, a run past the band) are among those: libjpeg skips the rest
    /// of the restart interval (the rest of the scan without restarts), and so does the
    /// decoder.
    @Test func arithmeticBadCodesSkipTheRestOfTheInterval() throws {
        let expected = try WeightFile(contentsOf: Self.folder + "/expected.shw")
        let names = expected.tensors.map(\.name).filter { $0.hasPrefix("arith_bad_code_") }
        #expect(names.count == 8)
        for name in names {
            let image = try JPEGDecoder.decode(try readBytes(Self.folder + "/" + name))
            let tensor = try #require(expected.tensors.first { $0.name == name })
            #expect(image.pixels == Array(expected.bytes(of: tensor)), "\(name)")
        }
    }

    @Test func filesPillowRaisesOnAreRefused() throws {
        let cut = ImageDecodingProblem.truncated("the entropy-coded data of scan 1")
        var expected: [String: ImageDecodingProblem] = [:]
        for source in ["arithmetic", "baseline420", "baseline444", "grey", "lossless", "progressive", "progressive_restart",
                       "restart", "arith_sequential", "arith_sequential_restart", "arith_progressive", "arith_grey_restart"] {
            expected[source + "_cut.jpg"] = cut
        }
        // A one-pass frame (Spec/jpeg.md section 2.3) with its scan repeated: libjpeg
        // expects EOI after the first and stops with an error; Pillow raises. (With the
        // repeated scan's header cut, every row is out already: Pillow returns the image.)
        for source in ["baseline420", "baseline444", "grey", "lossless", "restart", "arith_sequential", "arith_sequential_restart"] {
            expected[source + "_scan_repeated.jpg"] =
                .corrupt("scan 2 follows a first scan that covers every component of a sequential frame, where EOI must follow")
        }
        // A changed byte made a SOF14 marker inside the data: resynchronisation leaves it in
        // place and it is read after the scan, as in libjpeg, which refuses it too.
        expected["arithmetic_bytes2.jpg"] = .unsupported("hierarchical JPEG with arithmetic coding (SOF14)")
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
