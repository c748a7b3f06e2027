import SemHiTokFormats
import SemHiTokQuantization

/// The `semantic_lookup` and `pixel_lookup` golden cases (Spec/conformance.md section 2):
/// runs the quantizer on the case's inputs and compares every output exactly.
enum QuantizationCase {
    static let kinds: Set<String> = ["semantic_lookup", "pixel_lookup"]

    /// The failures of the case in `file` (empty when it passes).
    static func run(_ file: WeightFile, kind: String) throws -> [String] {
        let metricName = try file.string("metric")
        guard let metric = Metric(rawValue: metricName) else {
            throw file.error(.invalidValue(key: "metric", detail: "'\(metricName)' is neither cosine nor euclidean"))
        }
        let (features, featureShape) = try file.floats("features", rank: 2)
        let dimension = featureShape[1]
        let (codebook, codebookShape) = try file.floats("codebook", rank: kind == "semantic_lookup" ? 2 : 3)
        guard codebookShape.last == dimension else {
            throw file.error(.unexpectedShape(tensor: "codebook", expected: "last dimension \(dimension)", found: codebookShape))
        }
        let semanticIndices = kind == "pixel_lookup" ? try file.int32s("semantic_indices", rank: 1).values : []

        let outcome: Result<(CodeSearchResult, [UInt32]), QuantizationError>
        do {
            if kind == "semantic_lookup" {
                let quantizer = try SemanticQuantizer(codebook: codebook, codebookSize: codebookShape[0],
                                                      dimension: dimension, metric: metric)
                outcome = .success((try quantizer.quantize(features), []))
            } else {
                let quantizer = try PixelQuantizer(codebook: codebook, semanticCodebookSize: codebookShape[0],
                                                   subCodebookSize: codebookShape[1], dimension: dimension, metric: metric)
                let result = try quantizer.quantize(features, semanticIndices: semanticIndices)
                outcome = .success((result, quantizer.tokens(semanticIndices: semanticIndices, pixelIndices: result.indices)))
            }
        } catch let error as QuantizationError {
            outcome = .failure(error)
        }

        if file.config["expected.error"] != nil {
            return try checkError(file, outcome: outcome)
        }
        switch outcome {
        case .failure(let error):
            return ["the lookup failed: \(error)"]
        case .success(let (result, tokens)):
            var failures = ExactComparison.integers("expected.indices", expected: try file.int32s("expected.indices").values,
                                                    actual: result.indices)
            failures += ExactComparison.bits("expected.scores", expected: try file.floats("expected.scores").values,
                                             actual: result.scores)
            if metric == .cosine {
                let rows = features.count / dimension
                let normalized = preparedQueries(features, rows: rows, dimension: dimension, metric: metric)
                failures += ExactComparison.bits("expected.normalized", expected: try file.floats("expected.normalized").values,
                                                 actual: normalized)
            }
            if kind == "pixel_lookup" {
                failures += ExactComparison.integers("expected.tokens", expected: try file.int32s("expected.tokens").values.map(Int64.init),
                                                     actual: tokens.map(Int64.init))
            }
            return failures
        }
    }

    private static func checkError(_ file: WeightFile, outcome: Result<(CodeSearchResult, [UInt32]), QuantizationError>)
        throws -> [String]
    {
        let expected = try file.string("expected.error")
        guard case .failure(let error) = outcome else {
            return ["expected the error \(expected), the lookup succeeded"]
        }
        guard error.conformanceName == expected else {
            return ["expected the error \(expected), got \(error.conformanceName): \(error)"]
        }
        guard let row = error.row else { return [] }
        let expectedRow = try file.int("expected.error_row")
        return row == expectedRow ? [] : ["expected the error on row \(expectedRow), got row \(row)"]
    }
}
