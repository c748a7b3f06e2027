import Foundation
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// JPEG files cut at or after the end of their last scan's data, without EOI, against
/// Pillow (Spec/jpeg.md section 4.7 item 5), over golden/images/jpeg/cut written by
/// tools/make_jpeg_cut_fixtures.py: where libjpeg-turbo emits every row before meeting the
/// cut, the decoder gives Pillow's pixels; where Pillow raises, it refuses as *truncated*.
struct JPEGCutTests {
    private static let folder = RepositoryPaths.golden("images/jpeg/cut")

    @Test func filesPillowReturnsDecodeToItsPixels() throws {
        let result = try PillowImageFixtures.mismatches(in: Self.folder) { try JPEGDecoder.decode($0) }
        #expect(result.count == 31)
        #expect(result.lines == [])
    }

    @Test func filesPillowRaisesOnAreRefusedAsTruncated() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder + "/refused")
        var expected: [String: ImageDecodingProblem] = [:]
        for name in names {
            if name.hasPrefix("progressive") {
                // Pillow's progressive files end with scan 10 (colour) or 6 (grey).
                let last = name.hasPrefix("progressivegrey") ? 6 : 10
                expected[name] = name.hasSuffix("_cut1.jpg") || name.hasSuffix("_cut2.jpg")
                    ? .truncated("the entropy-coded data of scan \(last)") : .truncated("the JPEG data before its EOI marker")
            } else if name.hasSuffix("_cut1.jpg") || name.hasSuffix("_cut2.jpg") {
                expected[name] = .truncated("the entropy-coded data of scan 1")
            } else {
                expected[name] = .truncated("the JPEG data before its EOI marker")
            }
        }
        #expect(names.count == 69)
        let lines = try PillowImageFixtures.refusalMismatches(in: Self.folder, expected: expected) { bytes throws(ImageDecodingProblem) in
            try JPEGDecoder.decode(bytes)
        }
        #expect(lines == [])
    }

    /// The same scan decodes where a marker follows its data and is refused where the file
    /// ends right after it: libjpeg-turbo reads bytes ahead and suspends for want of them,
    /// in its sequential and in its lossless Huffman decoder.
    @Test(arguments: ["baseline420_16x16", "lossless_p1_11x24"])
    func aMarkerAfterTheScanLetsItsLastMCUComplete(source: String) throws {
        let withMarker = try readBytes(Self.folder + "/\(source)_com.jpg")
        let bare = try readBytes(Self.folder + "/refused/\(source)_noeoi.jpg")
        #expect(withMarker.starts(with: bare))
        _ = try JPEGDecoder.decode(withMarker)
        #expect(throws: ImageDecodingProblem.truncated("the JPEG data before its EOI marker")) { try JPEGDecoder.decode(bare) }
    }
}
