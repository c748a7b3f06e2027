/// The hierarchical pixel lookup (Spec/quantization.md section 3): each patch's pixel
/// feature matched only against the `m` codes of `C_pix[i]`, the sub-codebook of its
/// semantic index `i`, by the exact arithmetic of the Spec.
public final class PixelQuantizer: Sendable {
    /// `K`, the number of sub-codebooks (one per semantic code).
    public let semanticCodebookSize: Int
    /// `m`, the codes per sub-codebook.
    public let subCodebookSize: Int
    /// `d`, the pixel code dimension.
    public let dimension: Int
    /// The metric (a configuration value; cosine by default).
    public let metric: Metric
    private let codebook: PackedCodebook

    /// A quantizer over `codebook`, `[K, m, d]` row-major, stored already normalised for
    /// cosine. Throws `QuantizationError` for a non-finite or (cosine) not normalised codebook.
    public init(codebook: [Float], semanticCodebookSize: Int, subCodebookSize: Int, dimension: Int,
                metric: Metric = .cosine) throws {
        let (vocabulary, overflow) = semanticCodebookSize.multipliedReportingOverflow(by: subCodebookSize)
        guard !overflow, vocabulary <= Int(Int32.max) else {
            throw QuantizationError.shapeMismatch("K * m must be at most 2^31 - 1, got \(semanticCodebookSize) x \(subCodebookSize)")
        }
        self.semanticCodebookSize = semanticCodebookSize
        self.subCodebookSize = subCodebookSize
        self.dimension = dimension
        self.metric = metric
        self.codebook = try PackedCodebook(values: codebook, groupCount: semanticCodebookSize,
                                           rowsPerGroup: subCodebookSize, dimension: dimension, metric: metric)
    }

    /// The pixel index `j` and score of each row of `features` (`[N, d]`, before
    /// normalisation) within the sub-codebook of `semanticIndices[n]`.
    public func quantize(_ features: [Float], semanticIndices: [Int32]) throws -> CodeSearchResult {
        let rows = try validatedRowCount(features, dimension: dimension, semanticIndexCount: semanticIndices.count)
        if let row = semanticIndices.firstIndex(where: { $0 < 0 || Int($0) >= semanticCodebookSize }) {
            throw QuantizationError.semanticIndexOutOfRange(row: row, index: Int(semanticIndices[row]),
                                                            codebookSize: semanticCodebookSize)
        }
        let queries = preparedQueries(features, rows: rows, dimension: dimension, metric: metric)
        return codebook.search(queries, groups: semanticIndices)
    }

    /// The token ids `h = i * m + j` (Spec/quantization.md section 3).
    public func tokens(semanticIndices: [Int32], pixelIndices: [Int32]) -> [UInt32] {
        zip(semanticIndices, pixelIndices).map { UInt32($0) * UInt32(subCodebookSize) + UInt32($1) }
    }
}
