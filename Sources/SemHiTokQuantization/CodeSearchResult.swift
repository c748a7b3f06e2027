/// The outcome of a nearest-code search over N queries: for each, the winning index and
/// its score (Spec/quantization.md section 2).
public struct CodeSearchResult: Equatable, Sendable {
    /// The winner of each query: a semantic index `i`, or a pixel index `j` within `C_pix[i]`.
    public var indices: [Int32]
    /// The winner's score: a dot product (cosine) or a squared distance (euclidean).
    public var scores: [Float]

    public init(indices: [Int32], scores: [Float]) {
        self.indices = indices
        self.scores = scores
    }
}

/// Checks `features` (Spec/quantization.md section 4, steps 3 and 4): whole rows of
/// `dimension` values, as many as `semanticIndexCount` when given, every value finite.
/// Returns the row count.
func validatedRowCount(_ features: [Float], dimension: Int, semanticIndexCount: Int? = nil) throws -> Int {
    guard features.count % dimension == 0 else {
        throw QuantizationError.shapeMismatch("\(features.count) feature values are not rows of \(dimension)")
    }
    let rows = features.count / dimension
    if let semanticIndexCount, semanticIndexCount != rows {
        throw QuantizationError.shapeMismatch("\(semanticIndexCount) semantic indices for \(rows) features")
    }
    if let position = features.firstIndex(where: { !$0.isFinite }) {
        throw QuantizationError.nonFiniteFeature(row: position / dimension, element: position % dimension)
    }
    return rows
}

/// Each row of `features` prepared for a search: normalised for cosine, as is for euclidean.
package func preparedQueries(_ features: [Float], rows: Int, dimension: Int, metric: Metric) -> [Float] {
    guard metric == .cosine else { return features }
    return (0..<rows).flatMap { ReferenceSearch.normalize(features[($0 * dimension)..<(($0 + 1) * dimension)]) }
}
