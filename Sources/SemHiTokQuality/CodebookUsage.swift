import Foundation

/// How tokens use the two codebooks (Spec/quality.md section 2): how often each semantic
/// code `i` and each pixel sub-code `j` occurs in tokens `t = i * m + j`.
public struct CodebookUsage: Equatable, Sendable {
    /// Occurrences of each semantic code, `K` counts.
    public private(set) var semanticCounts: [Int]
    /// Occurrences of each pixel sub-code, `m` counts (summed over the semantic codes).
    public private(set) var pixelCounts: [Int]

    /// No tokens yet, for `K` semantic codes of `m` pixel sub-codes each.
    public init(semanticCodebookSize: Int, pixelCodebookSize: Int) {
        semanticCounts = [Int](repeating: 0, count: semanticCodebookSize)
        pixelCounts = [Int](repeating: 0, count: pixelCodebookSize)
    }

    /// Counts `tokens`, each below `K * m`.
    public mutating func add(_ tokens: [UInt32]) {
        let m = pixelCounts.count
        for token in tokens {
            semanticCounts[Int(token) / m] += 1
            pixelCounts[Int(token) % m] += 1
        }
    }

    /// The number of tokens counted.
    public var tokenCount: Int { pixelCounts.reduce(0, +) }

    /// The number of semantic codes that occur at least once.
    public var semanticCodesUsed: Int { semanticCounts.count { $0 > 0 } }

    /// `exp(-Σ p_i ln p_i)` over the semantic codes' frequencies `p_i`: the number of codes
    /// a uniform use would need for the same entropy (from 1 to `K`); 0 without tokens.
    public var semanticPerplexity: Double {
        let total = Double(tokenCount)
        guard total > 0 else { return 0 }
        let entropy = semanticCounts.reduce(0.0) { sum, count in
            count == 0 ? sum : sum - Double(count) / total * log(Double(count) / total)
        }
        return exp(entropy)
    }
}
