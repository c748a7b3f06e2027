/// How a nearest-code search compares a query with a code (Spec/quantization.md section 2).
public enum Metric: String, Sendable, CaseIterable {
    /// Normalise the query, then the largest dot product wins.
    case cosine
    /// The smallest sum of squared differences wins; nothing is normalised.
    case euclidean

    /// Whether `score` is strictly better than `best` under this metric.
    @inline(__always)
    func isBetter(_ score: Float, than best: Float) -> Bool {
        self == .cosine ? score > best : score < best
    }
}
