import SemHiTok
@testable import SemHiTokConformance
import TestSupport
import Testing

/// Every golden case in `golden/quantization/` (written by the independent NumPy emulation
/// in `tools/`) passes: indices, scores and normalised features bit for bit, and the
/// expected errors (Spec/conformance.md section 2).
struct GoldenQuantizationTests {
    static let directory = RepositoryPaths.golden("quantization")
    static let cases = (try? ConformanceRunner.caseFiles(in: directory)) ?? []

    @Test func everyKindOfCaseIsPresent() {
        for prefix in ["semantic_cosine_paper", "semantic_cosine_ties", "semantic_cosine_near_ties",
                       "semantic_cosine_magnitudes", "semantic_euclidean", "pixel_cosine_paper", "pixel_euclidean",
                       "error_nan_feature", "error_codebook_not_normalized", "error_semantic_index_out_of_range"] {
            #expect(Self.cases.contains { $0.hasPrefix(prefix) }, "\(prefix)")
        }
    }

    @Test(arguments: cases)
    func goldenCasePasses(name: String) {
        let result = ConformanceRunner.run(caseNamed: name, in: Self.directory)
        #expect(result.failures == [])
    }

    /// The errors that name a row are checked against `expected.error_row`: a copy of
    /// each such case expecting another row fails, naming both rows.
    @Test(arguments: [("error_nan_feature", 3), ("error_semantic_index_out_of_range", 2)])
    func aWrongErrorRowIsReported(name: String, row: Int) throws {
        let folder = try TemporaryDirectory()
        try writeChangedCopy(of: Self.directory + "/" + name + ".shw", to: folder.file("changed.shw"),
                             config: ["expected.error_row": .int(Int64(row + 1))])
        let failures = ConformanceRunner.run(caseNamed: "changed.shw", in: folder.path).failures
        #expect(failures == ["expected the error on row \(row + 1), got row \(row)"])
    }

    /// The near-tie cases are there because a BLAS-style computation picks other indices on
    /// some rows; the generator records those picks in `info.expanded_indices`. Each of
    /// the four cases golden/quantization/README.md lists carries them, for as many
    /// queries as it has, and differs from them on as many rows as its table says.
    @Test(arguments: [("semantic_cosine_near_ties", 12, 9), ("semantic_euclidean", 44, 12),
                      ("pixel_cosine_ties", 30, 6), ("pixel_euclidean", 21, 6)])
    func nearTieCasesDisagreeWithTheExpandedForm(name: String, queries: Int, differing: Int) throws {
        let file = try WeightFile(contentsOf: Self.directory + "/" + name + ".shw")
        let expanded = try file.int32s("info.expanded_indices").values
        let canonical = try file.int32s("expected.indices").values
        #expect(expanded.count == queries)
        #expect(canonical.count == queries)
        #expect(zip(expanded, canonical).filter { $0 != $1 }.count == differing)
    }
}
