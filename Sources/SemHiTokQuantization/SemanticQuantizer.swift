/// The semantic lookup (Spec/quantization.md section 3): each patch feature's nearest code
/// in the semantic codebook `C_sem [K, D]`, by the exact arithmetic of the Spec.
public final class SemanticQuantizer: Sendable {
    /// `K`, the number of codes.
    public let codebookSize: Int
    /// `D`, the code dimension.
    public let dimension: Int
    /// The metric: cosine for SemHiTok.
    public let metric: Metric
    private let codebook: PackedCodebook

    /// A quantizer over `codebook`, `[codebookSize, dimension]` row-major, stored already
    /// normalised for cosine. Throws `QuantizationError` for a non-finite or (cosine) not
    /// normalised codebook.
    public init(codebook: [Float], codebookSize: Int, dimension: Int, metric: Metric = .cosine) throws {
        self.codebookSize = codebookSize
        self.dimension = dimension
        self.metric = metric
        self.codebook = try PackedCodebook(values: codebook, groupCount: 1, rowsPerGroup: codebookSize,
                                           dimension: dimension, metric: metric)
    }

    /// The semantic index and score of each row of `features` (`[N, D]`, row-major, before
    /// normalisation). Throws `QuantizationError.nonFiniteFeature` for a NaN or infinity.
    public func quantize(_ features: [Float]) throws -> CodeSearchResult {
        let rows = try validatedRowCount(features, dimension: dimension)
        let queries = preparedQueries(features, rows: rows, dimension: dimension, metric: metric)
        return codebook.searchFirstGroup(queries)
    }
}
