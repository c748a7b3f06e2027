import SemHiTok
@testable import SemHiTokQuantization
import TestSupport
import Testing

/// The exact quantizers of Spec/quantization.md: the reference arithmetic against values
/// worked out by hand, the SIMD kernel against the reference bit for bit, and the errors.
struct QuantizationTests {
    // MARK: - The reference arithmetic, by hand

    /// sumsq([3, 4]) = 25 exactly, sqrt 5, and each quotient is one rounded division.
    @Test func normalizeDividesByTheRoundedNorm() {
        #expect(ReferenceSearch.normalize([3, 4]) == [Float(3) / Float(5), Float(4) / Float(5)])
        #expect(ReferenceSearch.normalize([3, 4]) == [0.6, 0.8])
    }

    @Test func epsilonIsTheFloat32NearestToOneTrillionth() {
        #expect(ReferenceSearch.epsilon == Float(1e-12))
        #expect(ReferenceSearch.epsilon.bitPattern == 0x2B8C_BCCC)
    }

    /// With a = 1 + 2^-12, a * a = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 (a tie, to even), so
    /// (-1) + a * a is 2^-11 with separate roundings and 2^-11 + 2^-24 if fused.
    @Test func multiplyAndAddAreRoundedSeparately() {
        let a: Float = 1 + 0x1p-12
        #expect(ReferenceSearch.dot([1, a], [-1, a]) == 0x1p-11)
    }

    /// 0 + 1 + 1e8 rounds to 1e8 (float32 spacing there is 8), then - 1e8 gives 0; the exact
    /// sum, or the sum taken in another order, is 1.
    @Test func sumsRunInIndexOrderFromZero() {
        #expect(ReferenceSearch.dot([1, 1e8, -1e8], [1, 1, 1]) == 0)
        #expect(ReferenceSearch.dot([1e8, -1e8, 1], [1, 1, 1]) == 1)
    }

    /// Eight ones and then 1e4 squared: 8 + 1e8 = 100000008 is representable (spacing 8);
    /// with 1e8 first, each + 1 rounds back to 1e8.
    @Test func squaredDistanceSumsInIndexOrder() {
        let zeros = [Float](repeating: 0, count: 9)[...]
        let ones = [Float](repeating: 1, count: 8)
        #expect(ReferenceSearch.squaredDistance((ones + [1e4])[...], zeros) == 100_000_008)
        #expect(ReferenceSearch.squaredDistance(([1e4] + ones)[...], zeros) == 100_000_000)
    }

    @Test func zeroQueryNormalizesToZeroAndPicksCodeZero() throws {
        #expect(ReferenceSearch.normalize([0, 0, 0]) == [0, 0, 0])
        let quantizer = try SemanticQuantizer(codebook: [0, 1, 1, 0, -1, 0], codebookSize: 3, dimension: 2)
        #expect(try quantizer.quantize([0, 0]) == CodeSearchResult(indices: [0], scores: [0]))
    }

    /// Elements of 1e20: each square overflows to +inf, the norm is +inf and every quotient 0.
    @Test func overflowingQueryNormalizesToZero() throws {
        #expect(ReferenceSearch.normalize([1e20, -1e20]).map(\.bitPattern) == [Float(0).bitPattern, (-Float(0)).bitPattern])
        let quantizer = try SemanticQuantizer(codebook: [0, 1, 1, 0], codebookSize: 2, dimension: 2)
        #expect(try quantizer.quantize([1e20, 1e19]).indices == [0])
    }

    /// A subnormal query keeps its direction: its squares underflow, the divisor is EPS.
    @Test func subnormalQueryKeepsItsDirection() throws {
        let tiny = Float.leastNonzeroMagnitude
        #expect(ReferenceSearch.normalize([tiny, 0]) == [tiny / ReferenceSearch.epsilon, 0])
        let quantizer = try SemanticQuantizer(codebook: [0, 1, 1, 0], codebookSize: 2, dimension: 2)
        #expect(try quantizer.quantize([tiny, 0]).indices == [1])
    }

    @Test func exactTiesGoToTheLowestIndex() throws {
        let row: [Float] = [0.6, 0.8]
        let codebook: [Float] = [1, 0] + [0, 1] + row + [-1, 0] + [0, -1] + row
        for metric in Metric.allCases {
            let quantizer = try SemanticQuantizer(codebook: codebook, codebookSize: 6, dimension: 2, metric: metric)
            #expect(try quantizer.quantize([3, 4]).indices == [2], "\(metric)")
            #expect(ReferenceSearch.search(query: [3, 4], codebook: codebook, rows: 0..<6, metric: metric).index == 2)
        }
    }

    /// (3e38 - (-3e38)) overflows, so every distance is +inf and code 0 wins.
    @Test func infiniteEuclideanDistancesPickCodeZero() throws {
        let codebook: [Float] = [-3e38, -3e38, -3e38, -2e38]
        let quantizer = try SemanticQuantizer(codebook: codebook, codebookSize: 2, dimension: 2, metric: .euclidean)
        #expect(try quantizer.quantize([3e38, 3e38]) == CodeSearchResult(indices: [0], scores: [.infinity]))
        #expect(ReferenceSearch.search(query: [3e38, 3e38], codebook: codebook, rows: 0..<2, metric: .euclidean)
            == (0, .infinity))
    }

    // MARK: - The SIMD kernel against the reference

    @Test(arguments: Metric.allCases)
    func semanticKernelMatchesTheReferenceBitForBit(metric: Metric) throws {
        var generator = SplitMix64(seed: 11)
        for (codes, dimension) in [(1, 1), (2, 3), (15, 8), (16, 8), (17, 8), (31, 32), (33, 32), (100, 40), (5000, 32)] {
            for queries in [1, 3, 4, 5, 9] {
                let codebook = randomCodebook(rows: codes, dimension: dimension, metric: metric, using: &generator)
                let features = (0..<(queries * dimension)).map { _ in generator.float(in: -2...2) }
                let quantizer = try SemanticQuantizer(codebook: codebook, codebookSize: codes, dimension: dimension, metric: metric)
                let fast = try quantizer.quantize(features)
                let reference = (0..<queries).map {
                    ReferenceSearch.search(query: features[($0 * dimension)..<(($0 + 1) * dimension)], codebook: codebook,
                                           rows: 0..<codes, metric: metric)
                }
                #expect(fast.indices == reference.map { Int32($0.index) }, "K \(codes), D \(dimension), N \(queries)")
                #expect(fast.scores.map(\.bitPattern) == reference.map(\.score.bitPattern), "K \(codes), D \(dimension)")
            }
        }
    }

    /// A lookup large enough to be shared out over the threads (70 queries x 3000 codes x
    /// 16) still gives the reference's index and score for every query.
    @Test func threadedSemanticLookupMatchesTheReferenceBitForBit() throws {
        var generator = SplitMix64(seed: 14)
        let (codes, dimension, queries) = (3000, 16, 70)
        let codebook = randomCodebook(rows: codes, dimension: dimension, metric: .cosine, using: &generator)
        let features = (0..<(queries * dimension)).map { _ in generator.float(in: -2...2) }
        let fast = try SemanticQuantizer(codebook: codebook, codebookSize: codes, dimension: dimension).quantize(features)
        let reference = (0..<queries).map {
            ReferenceSearch.search(query: features[($0 * dimension)..<(($0 + 1) * dimension)], codebook: codebook,
                                   rows: 0..<codes, metric: .cosine)
        }
        #expect(fast.indices == reference.map { Int32($0.index) })
        #expect(fast.scores.map(\.bitPattern) == reference.map(\.score.bitPattern))
    }

    /// Queries equal to codebook rows, with duplicates in different lanes and panels, so
    /// that ties are common and must resolve exactly as the reference does.
    @Test(arguments: Metric.allCases)
    func semanticKernelResolvesTiesLikeTheReference(metric: Metric) throws {
        var generator = SplitMix64(seed: 12)
        let dimension = 4
        let distinct = randomCodebook(rows: 5, dimension: dimension, metric: metric, using: &generator)
        let rowsOrder = (0..<70).map { _ in Int(generator.next() % 5) }
        let codebook = rowsOrder.flatMap { distinct[($0 * dimension)..<(($0 + 1) * dimension)] }
        let features = Array(distinct)
        let quantizer = try SemanticQuantizer(codebook: codebook, codebookSize: 70, dimension: dimension, metric: metric)
        let fast = try quantizer.quantize(features)
        for query in 0..<5 {
            let reference = ReferenceSearch.search(query: features[(query * dimension)..<((query + 1) * dimension)],
                                                   codebook: codebook, rows: 0..<70, metric: metric)
            #expect(fast.indices[query] == Int32(reference.index))
            #expect(fast.scores[query].bitPattern == reference.score.bitPattern)
        }
    }

    @Test(arguments: Metric.allCases)
    func pixelKernelMatchesTheReferenceBitForBit(metric: Metric) throws {
        var generator = SplitMix64(seed: 13)
        for (subCodebook, dimension) in [(1, 1), (7, 8), (8, 8), (9, 8), (16, 3), (17, 12)] {
            let groups = 10
            let codebook = randomCodebook(rows: groups * subCodebook, dimension: dimension, metric: metric, using: &generator)
            let queries = 25
            let features = (0..<(queries * dimension)).map { _ in generator.float(in: -2...2) }
            let semantic = (0..<queries).map { _ in Int32(generator.next() % UInt64(groups)) }
            let quantizer = try PixelQuantizer(codebook: codebook, semanticCodebookSize: groups, subCodebookSize: subCodebook,
                                               dimension: dimension, metric: metric)
            let fast = try quantizer.quantize(features, semanticIndices: semantic)
            let reference = (0..<queries).map { n in
                let first = Int(semantic[n]) * subCodebook
                return ReferenceSearch.search(query: features[(n * dimension)..<((n + 1) * dimension)], codebook: codebook,
                                              rows: first..<(first + subCodebook), metric: metric)
            }
            #expect(fast.indices == reference.map { Int32($0.index) }, "m \(subCodebook), d \(dimension)")
            #expect(fast.scores.map(\.bitPattern) == reference.map(\.score.bitPattern), "m \(subCodebook), d \(dimension)")
        }
    }

    @Test func tokenIdsCombineSemanticAndPixelIndices() throws {
        let quantizer = try PixelQuantizer(codebook: [Float](repeating: 0.5, count: 24_576 * 8), semanticCodebookSize: 24_576,
                                           subCodebookSize: 8, dimension: 1)
        #expect(quantizer.tokens(semanticIndices: [0, 5, 24_575], pixelIndices: [0, 3, 7]) == [0, 43, 196_607])
    }

    // MARK: - Inputs the quantizers refuse

    @Test func rejectsNonFiniteFeaturesNamingRowAndElement() throws {
        let quantizer = try SemanticQuantizer(codebook: [1, 0, 0, 1], codebookSize: 2, dimension: 2)
        #expect(throws: QuantizationError.nonFiniteFeature(row: 1, element: 0)) {
            try quantizer.quantize([1, 0, .nan, 1])
        }
        #expect(throws: QuantizationError.nonFiniteFeature(row: 0, element: 1)) {
            try quantizer.quantize([1, -.infinity])
        }
        let pixel = try PixelQuantizer(codebook: [1, 0, 0, 1], semanticCodebookSize: 1, subCodebookSize: 2, dimension: 2,
                                       metric: .euclidean)
        #expect(throws: QuantizationError.nonFiniteFeature(row: 0, element: 0)) {
            try pixel.quantize([.infinity, 0], semanticIndices: [0])
        }
    }

    @Test func rejectsANonFiniteCodebook() {
        #expect(throws: QuantizationError.nonFiniteCodebook(row: 1, element: 1)) {
            try SemanticQuantizer(codebook: [1, 0, 0, .nan], codebookSize: 2, dimension: 2, metric: .euclidean)
        }
        // Non-finite values are looked for before magnitudes (Spec section 4, step 2).
        #expect(throws: QuantizationError.nonFiniteCodebook(row: 1, element: 0)) {
            try SemanticQuantizer(codebook: [1.5, 0, .infinity, 0], codebookSize: 2, dimension: 2)
        }
    }

    @Test func rejectsACosineCodebookThatIsNotNormalized() throws {
        #expect(throws: QuantizationError.codebookNotNormalized(row: 0, element: 1)) {
            try SemanticQuantizer(codebook: [1, 1.5], codebookSize: 1, dimension: 2)
        }
        _ = try SemanticQuantizer(codebook: [1, 1.5], codebookSize: 1, dimension: 2, metric: .euclidean)
    }

    @Test func rejectsSemanticIndicesOutOfRange() throws {
        let pixel = try PixelQuantizer(codebook: [1, 0, 0, 1], semanticCodebookSize: 2, subCodebookSize: 1, dimension: 2)
        #expect(throws: QuantizationError.semanticIndexOutOfRange(row: 1, index: 2, codebookSize: 2)) {
            try pixel.quantize([1, 0, 0, 1], semanticIndices: [0, 2])
        }
        #expect(throws: QuantizationError.semanticIndexOutOfRange(row: 0, index: -1, codebookSize: 2)) {
            try pixel.quantize([1, 0], semanticIndices: [-1])
        }
    }

    @Test func rejectsMismatchedShapes() throws {
        let quantizer = try SemanticQuantizer(codebook: [1, 0, 0, 1], codebookSize: 2, dimension: 2)
        #expect(throws: QuantizationError.self) { try quantizer.quantize([1, 0, 1]) }
        #expect(throws: QuantizationError.self) { try SemanticQuantizer(codebook: [1, 0, 0], codebookSize: 2, dimension: 2) }
        #expect(throws: QuantizationError.self) { try SemanticQuantizer(codebook: [], codebookSize: 0, dimension: 2) }
        let pixel = try PixelQuantizer(codebook: [1, 0, 0, 1], semanticCodebookSize: 2, subCodebookSize: 1, dimension: 2)
        #expect(throws: QuantizationError.self) { try pixel.quantize([1, 0], semanticIndices: [0, 1]) }
    }

    /// Rows drawn uniformly, normalised with the reference for cosine (so every element is
    /// in [-1, 1] as a stored codebook's must be).
    private func randomCodebook(rows: Int, dimension: Int, metric: Metric, using generator: inout SplitMix64) -> [Float] {
        (0..<rows).flatMap { _ -> [Float] in
            let row = (0..<dimension).map { _ in generator.float(in: -1...1) }
            return metric == .cosine ? ReferenceSearch.normalize(row[...]) : row
        }
    }
}
