import Foundation
import SemHiTok
import TestSupport
import Testing

/// PSNR and SSIM against scikit-image's on the pairs of golden/quality (written by
/// `tools/make_quality_golden.py`), and codebook usage against counts worked out by hand.
struct ImageQualityTests {
    static let folder = RepositoryPaths.golden("quality")

    /// Each pair's name and scikit-image's PSNR (nil for identical images) and SSIM.
    static let expected: [(name: String, psnr: Double?, ssim: Double)] = {
        guard let bytes = try? readBytes(folder + "/expected.json"), let document = try? JSONDocument.parse(bytes),
              let object = document.object else { return [] }
        return object.members.compactMap { member in
            guard let ssim = member.value.object?["ssim"]?.number?.double else { return nil }
            return (member.key, member.value.object?["psnr"]?.number?.double, ssim)
        }
    }()

    private func pair(_ name: String) throws -> (RGBImage, RGBImage) {
        (try ImageFile.read(Self.folder + "/" + name + "_reference.png"), try ImageFile.read(Self.folder + "/" + name + "_changed.png"))
    }

    @Test func everyPairHasAnExpectation() {
        #expect(Self.expected.count == 8)
    }

    @Test(arguments: expected.map(\.name))
    func psnrAndSSIMAreScikitImages(name: String) throws {
        let (reference, changed) = try pair(name)
        let expected = try #require(Self.expected.first { $0.name == name })
        let psnr = try ImageQuality.psnr(reference, changed)
        if let expectedPSNR = expected.psnr {
            #expect(abs(psnr - expectedPSNR) <= 1e-9 * expectedPSNR, "\(psnr) against \(expectedPSNR)")
        } else {
            #expect(psnr == .infinity)
        }
        let ssim = try ImageQuality.ssim(reference, changed)
        #expect(abs(ssim - expected.ssim) <= 1e-9, "\(ssim) against \(expected.ssim)")
    }

    @Test func imagesOfDifferentSizesOrTooSmallAreRefused() throws {
        let small = RGBImage(width: 10, height: 12, pixels: [UInt8](repeating: 0, count: 360))
        let other = RGBImage(width: 12, height: 10, pixels: [UInt8](repeating: 0, count: 360))
        #expect(throws: ImageQuality.ComparisonError.sizeMismatch(reference: [10, 12], reconstruction: [12, 10])) {
            try ImageQuality.psnr(small, other)
        }
        #expect(throws: ImageQuality.ComparisonError.tooSmallForSSIM(width: 10, height: 12)) { try ImageQuality.ssim(small, small) }
    }

    /// A one-value difference of 1 in a 2 x 2 image: MSE 1/12, PSNR 10 log10(255² · 12).
    @Test func psnrOfOneChangedValue() throws {
        let reference = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 100, count: 12))
        var changed = reference
        changed.pixels[5] = 101
        #expect(abs(try ImageQuality.psnr(reference, changed) - 10 * log10(255.0 * 255 * 12)) < 1e-12)
    }

    /// Tokens `i * m + j` with m = 4: codes 0 (three times), 2 (once) of K = 3; j = 1, 3, 1, 0.
    /// Perplexity exp(-(3/4 ln 3/4 + 1/4 ln 1/4)).
    @Test func codebookUsageCountsCodesAndSubCodes() {
        var usage = CodebookUsage(semanticCodebookSize: 3, pixelCodebookSize: 4)
        usage.add([1, 3, 9])
        usage.add([0])
        #expect(usage.semanticCounts == [3, 0, 1])
        #expect(usage.pixelCounts == [1, 2, 0, 1])
        #expect(usage.semanticCodesUsed == 2)
        #expect(abs(usage.semanticPerplexity - exp(-(0.75 * log(0.75) + 0.25 * log(0.25)))) < 1e-12)
        #expect(CodebookUsage(semanticCodebookSize: 3, pixelCodebookSize: 4).semanticPerplexity == 0)
    }
}
