/// An input the quantizers refuse rather than pick an index for (Spec/quantization.md
/// section 4).
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    case nonFiniteFeature(row: Int, element: Int)
    case nonFiniteCodebook(row: Int, element: Int)
    case codebookNotNormalized(row: Int, element: Int)
    case semanticIndexOutOfRange(row: Int, index: Int, codebookSize: Int)
    case shapeMismatch(String)

    /// The error's name in golden cases (Spec/conformance.md section 2).
    public var conformanceName: String {
        switch self {
        case .nonFiniteFeature: "non_finite_feature"
        case .nonFiniteCodebook: "non_finite_codebook"
        case .codebookNotNormalized: "codebook_not_normalized"
        case .semanticIndexOutOfRange: "semantic_index_out_of_range"
        case .shapeMismatch: "shape_mismatch"
        }
    }

    /// The query row the error names, for the errors whose golden cases record one in
    /// `expected.error_row` (Spec/conformance.md section 2); nil for the others.
    public var row: Int? {
        switch self {
        case .nonFiniteFeature(let row, _), .semanticIndexOutOfRange(let row, _, _): row
        case .nonFiniteCodebook, .codebookNotNormalized, .shapeMismatch: nil
        }
    }

    public var description: String {
        switch self {
        case .nonFiniteFeature(let row, let element):
            "non-finite feature: row \(row), element \(element) is NaN or infinite"
        case .nonFiniteCodebook(let row, let element):
            "non-finite codebook: row \(row), element \(element) is NaN or infinite"
        case .codebookNotNormalized(let row, let element):
            "codebook not normalised: row \(row), element \(element) has magnitude above 1"
        case .semanticIndexOutOfRange(let row, let index, let size):
            "semantic index out of range: row \(row) has index \(index), the codebook has \(size) codes"
        case .shapeMismatch(let detail):
            "shape mismatch: \(detail)"
        }
    }
}
