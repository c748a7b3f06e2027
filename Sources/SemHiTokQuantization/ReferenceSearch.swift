/// The canonical arithmetic of Spec/quantization.md, written to read like the Spec: one
/// scalar operation at a time, each reduction in index order from +0. It is the oracle the
/// fast kernel (`PackedCodebook`) is tested against bit for bit, and what the quantizers
/// use for normalisation.
///
/// Swift never fuses `a + b * c` into a fused multiply-add and never reassociates float
/// arithmetic, so this code performs exactly the roundings the Spec lists.
public enum ReferenceSearch {
    /// `EPS`: the float32 nearest to 1e-12, bit pattern 0x2B8CBCCC (Spec section 1).
    public static let epsilon = Float(bitPattern: 0x2B8C_BCCC)

    /// `sumsq(x)`: the sequential sum of `x[k] * x[k]`.
    public static func sumOfSquares(_ x: ArraySlice<Float>) -> Float {
        var sum: Float = 0
        for value in x { sum = sum + value * value }
        return sum
    }

    /// `dot(x, y)`: the sequential sum of `x[k] * y[k]`; `x` and `y` have equal counts.
    public static func dot(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Float {
        var sum: Float = 0
        for (a, b) in zip(x, y) { sum = sum + a * b }
        return sum
    }

    /// `sqdist(x, y)`: the sequential sum of `(x[k] - y[k])^2`, the difference rounded first.
    public static func squaredDistance(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Float {
        var sum: Float = 0
        for (a, b) in zip(x, y) {
            let difference = a - b
            sum = sum + difference * difference
        }
        return sum
    }

    /// `normalize(x)`: `x[k] / max(sqrt(sumsq(x)), EPS)`.
    public static func normalize(_ x: ArraySlice<Float>) -> [Float] {
        let denominator = max(sumOfSquares(x).squareRoot(), epsilon)
        return x.map { $0 / denominator }
    }

    /// The nearest-code search of Spec section 2: `query` against `rows` of `codebook`
    /// (row-major, rows of `query.count` elements). Returns the winner's position within
    /// `rows` and its score. Inputs are assumed valid (section 4).
    public static func search(query: ArraySlice<Float>, codebook: [Float], rows: Range<Int>,
                              metric: Metric) -> (index: Int, score: Float) {
        let dimension = query.count
        let prepared = metric == .cosine ? normalize(query)[...] : query
        func score(_ row: Int) -> Float {
            let code = codebook[(row * dimension)..<((row + 1) * dimension)]
            return metric == .cosine ? dot(prepared, code) : squaredDistance(prepared, code)
        }
        var best = 0
        var bestScore = score(rows.lowerBound)
        for t in 1..<rows.count {
            let candidate = score(rows.lowerBound + t)
            if metric.isBetter(candidate, than: bestScore) {
                best = t
                bestScore = candidate
            }
        }
        return (best, bestScore)
    }
}
