import SemHiTok
@testable import SemHiTokConformance
import TestSupport
import Testing

/// Every golden case in `golden/preprocessing/` (expected values from Pillow and
/// transformers, written by `tools/make_preprocessing_golden.py`) passes: resized bytes,
/// preprocessed floats bit for bit, postprocessed bytes and the NaN error
/// (Spec/conformance.md section 4).
struct GoldenPreprocessingTests {
    static let directory = RepositoryPaths.golden("preprocessing")
    static let cases = (try? ConformanceRunner.caseFiles(in: directory)) ?? []

    @Test func everyKindOfCaseIsPresent() {
        for prefix in ["resize_up_square", "resize_down_square", "resize_mixed", "resize_one_pixel_wide_source",
                       "resize_one_pixel_tall_source", "resize_to_one_pixel", "resize_extreme_down", "resize_extreme_up",
                       "resize_same_size", "resize_horizontal_only", "resize_vertical_only",
                       "resize_order_horizontal_first", "resize_order_vertical_first", "resize_clipping",
                       "resize_random_", "resize_photo_300x200_to_256", "preprocess_random", "preprocess_same_size",
                       "preprocess_tall", "preprocess_clip_mean_std", "preprocess_photo", "postprocess_values",
                       "postprocess_nan"] {
            #expect(Self.cases.contains { $0.hasPrefix(prefix) }, "\(prefix)")
        }
    }

    @Test(arguments: cases)
    func goldenCasePasses(name: String) {
        let result = ConformanceRunner.run(caseNamed: name, in: Self.directory)
        #expect(result.failures == [])
    }

    /// The runner compares every byte: a case whose expected output has one byte changed
    /// fails, naming that position.
    @Test func aChangedExpectedByteIsReported() throws {
        let folder = try TemporaryDirectory()
        try writeChangedCopy(of: Self.directory + "/resize_up_square.shw", to: folder.file("changed.shw"),
                             tensor: "expected.output") { $0[5] ^= 0x01 }
        let failures = ConformanceRunner.run(caseNamed: "changed.shw", in: folder.path).failures
        #expect(failures.count == 1)
        #expect(failures.first?.hasPrefix("expected.output[5]: ") == true)
    }
}
