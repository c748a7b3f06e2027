import SemHiTokCompute

/// A codebook validated and packed for the SIMD nearest-code search, and that search
/// (Spec/quantization.md section 6).
///
/// The codebook is `groupCount` groups of `rowsPerGroup` rows of `dimension` floats: the
/// semantic codebook is one group of `K` rows, the pixel codebook `K` groups of `m` rows,
/// packed as a `PanelMatrix` (16 codes per `SIMD16<Float>`). A lane accumulates `acc + q[k] * e[k]`
/// (cosine) or `acc + (q[k] - e[k])^2` (euclidean) for `k` in order from +0, with the
/// multiply and the add rounded separately: exactly the Spec's sequential sum, for 16
/// codes at once. Lanes keep their best with a strict comparison (each lane sees its
/// codes in increasing order), and the final reduction takes the best score and, among
/// equal scores, the lowest index; so the result equals `ReferenceSearch` bit for bit.
final class PackedCodebook: @unchecked Sendable {
    typealias Lanes = SIMD16<Float>

    let dimension: Int
    private let storage: PanelMatrix
    /// The constants of the inner loops, copied out of the class once per search.
    private let kernel: SearchKernel

    /// Validates `values` (Spec/quantization.md section 4, steps 1 and 2) and packs them.
    init(values: [Float], groupCount: Int, rowsPerGroup: Int, dimension: Int, metric: Metric) throws {
        guard groupCount > 0, rowsPerGroup > 0, dimension > 0 else {
            throw QuantizationError.shapeMismatch("codebook sizes must be positive, got \(groupCount) x \(rowsPerGroup) x \(dimension)")
        }
        guard values.count == groupCount * rowsPerGroup * dimension else {
            throw QuantizationError.shapeMismatch(
                "codebook has \(values.count) values, expected \(groupCount) x \(rowsPerGroup) x \(dimension)")
        }
        if let position = values.firstIndex(where: { !$0.isFinite }) {
            throw QuantizationError.nonFiniteCodebook(row: position / dimension, element: position % dimension)
        }
        if metric == .cosine, let position = values.firstIndex(where: { $0.magnitude > 1 }) {
            throw QuantizationError.codebookNotNormalized(row: position / dimension, element: position % dimension)
        }
        self.dimension = dimension
        storage = values.withUnsafeBufferPointer {
            PanelMatrix($0, groupCount: groupCount, rowsPerGroup: rowsPerGroup, rowLength: dimension)
        }
        let usedLanes = rowsPerGroup - (storage.panelsPerGroup - 1) * PanelMatrix.laneCount
        kernel = SearchKernel(dimension: dimension, metric: metric, lastPanel: storage.panelsPerGroup - 1,
                              paddingLanes: SearchKernel.laneNumbers .>= Int32(usedLanes))
    }

    /// Every query against the whole of group 0 (the semantic codebook's only group).
    /// `queries` is `[N, dimension]`, already normalised for cosine. The queries are shared
    /// out over `ComputeThreads.count` threads in contiguous ranges; each query's search is
    /// the same whichever thread runs it.
    func searchFirstGroup(_ queries: [Float]) -> CodeSearchResult {
        let (count, panelCount, kernel) = (queries.count / dimension, storage.panelsPerGroup, kernel)
        let panels = SharedPanels(base: storage.panels)
        return withLaneState(queryCount: count) { scores, indices in
            queries.withUnsafeBufferPointer { q in
                let state = SharedSearchState(queries: q.baseAddress!, scores: scores, indices: indices)
                RowParallel.forEachBlock(rows: count, workPerRow: panelCount * PanelMatrix.laneCount * dimension) { range in
                    kernel.searchSharedGroup(state.queries + range.lowerBound * kernel.dimension, count: range.count,
                                             panels: panels.base, panelCount: panelCount,
                                             scores: state.scores + range.lowerBound, indices: state.indices + range.lowerBound)
                }
            }
        }
    }

    /// Query `n` against group `groups[n]` (a pixel sub-codebook). `queries` is
    /// `[N, dimension]`, already normalised for cosine; the groups are in range.
    func search(_ queries: [Float], groups: [Int32]) -> CodeSearchResult {
        withLaneState(queryCount: groups.count) { scores, indices in
            queries.withUnsafeBufferPointer { q in
                groups.withUnsafeBufferPointer { groups in
                    kernel.searchOwnGroups(q.baseAddress!, groups: groups, panels: storage.panels,
                                           panelsPerGroup: storage.panelsPerGroup, scores: scores, indices: indices)
                }
            }
        }
    }

    /// Runs `search` on fresh per-query lane state (best score and index per lane) and
    /// reduces each query's lanes to its winner.
    private func withLaneState(
        queryCount: Int,
        _ search: (UnsafeMutablePointer<Lanes>, UnsafeMutablePointer<SIMD16<Int32>>) -> Void
    ) -> CodeSearchResult {
        var laneScores = [Lanes](repeating: Lanes(repeating: kernel.worstScore), count: queryCount)
        var laneIndices = [SIMD16<Int32>](repeating: SIMD16(repeating: -1), count: queryCount)
        laneScores.withUnsafeMutableBufferPointer { scores in
            laneIndices.withUnsafeMutableBufferPointer { indices in
                search(scores.baseAddress!, indices.baseAddress!)
            }
        }
        var result = CodeSearchResult(indices: [], scores: [])
        for n in 0..<queryCount {
            let (index, score) = kernel.reduce(laneScores[n], laneIndices[n])
            result.indices.append(index)
            result.scores.append(score)
        }
        return result
    }
}

/// The packed codebook, read by every thread of a search.
///
/// `@unchecked Sendable`: only read, and the `PackedCodebook` that owns it outlives the search.
private struct SharedPanels: @unchecked Sendable {
    let base: UnsafePointer<SIMD16<Float>>
}

/// The queries and lane state of one search, shared by its threads.
///
/// `@unchecked Sendable`: the queries are only read; each thread writes the lane state of
/// its own range of queries only; the caller keeps all three alive until the search returns.
private struct SharedSearchState: @unchecked Sendable {
    let queries: UnsafePointer<Float>
    let scores: UnsafeMutablePointer<SIMD16<Float>>
    let indices: UnsafeMutablePointer<SIMD16<Int32>>
}

/// The loops of the search, 16 codes at a time, with the constants they need (copied out
/// of `PackedCodebook`, so the loops never read through a class reference).
private struct SearchKernel {
    typealias Lanes = SIMD16<Float>
    static let laneNumbers = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    let dimension: Int
    let metric: Metric
    /// The index of a group's last panel, the only one that may have padding lanes.
    let lastPanel: Int
    /// Lanes of the last panel that hold no code (all false when the rows fill it).
    let paddingLanes: SIMDMask<SIMD16<Int32>>

    /// The score no code can fail to beat: -inf for cosine, +inf for euclidean.
    var worstScore: Float { metric == .cosine ? -.infinity : .infinity }

    /// Every query against `panelCount` panels of one group: panels in chunks that stay in
    /// L2, four queries per pass over a chunk so that each loaded panel vector serves four
    /// accumulators.
    // Kept out of line: inlined into the closures of `PackedCodebook.searchFirstGroup`,
    // LLVM stops vectorising the lane updates and the search runs four times slower.
    @inline(never)
    func searchSharedGroup(_ q: UnsafePointer<Float>, count: Int, panels: UnsafePointer<Lanes>, panelCount: Int,
                           scores: UnsafeMutablePointer<Lanes>, indices: UnsafeMutablePointer<SIMD16<Int32>>) {
        let chunkPanels = max(1, (256 << 10) / (dimension * MemoryLayout<Lanes>.stride))
        for chunkStart in stride(from: 0, to: panelCount, by: chunkPanels) {
            let chunk = chunkStart..<min(chunkStart + chunkPanels, panelCount)
            var n = 0
            while n + 4 <= count {
                for panel in chunk {
                    let (a0, a1, a2, a3) = accumulate4(q + n * dimension, panels + panel * dimension)
                    update(&scores[n], &indices[n], with: a0, panel: panel)
                    update(&scores[n + 1], &indices[n + 1], with: a1, panel: panel)
                    update(&scores[n + 2], &indices[n + 2], with: a2, panel: panel)
                    update(&scores[n + 3], &indices[n + 3], with: a3, panel: panel)
                }
                n += 4
            }
            while n < count {
                for panel in chunk {
                    update(&scores[n], &indices[n], with: accumulate1(q + n * dimension, panels + panel * dimension),
                           panel: panel)
                }
                n += 1
            }
        }
    }

    /// Query `n` against the panels of group `groups[n]`.
    @inline(never)
    func searchOwnGroups(_ q: UnsafePointer<Float>, groups: UnsafeBufferPointer<Int32>, panels: UnsafePointer<Lanes>,
                         panelsPerGroup: Int, scores: UnsafeMutablePointer<Lanes>,
                         indices: UnsafeMutablePointer<SIMD16<Int32>>) {
        for n in 0..<groups.count {
            let group = panels + Int(groups[n]) * panelsPerGroup * dimension
            for panel in 0..<panelsPerGroup {
                update(&scores[n], &indices[n], with: accumulate1(q + n * dimension, group + panel * dimension),
                       panel: panel)
            }
        }
    }

    /// The 16 scores of one query against one panel.
    @inline(__always)
    func accumulate1(_ query: UnsafePointer<Float>, _ panel: UnsafePointer<Lanes>) -> Lanes {
        if metric == .cosine { return PanelKernels.dot1(query, panel, length: dimension) }
        var a = Lanes()
        for k in 0..<dimension {
            let d = Lanes(repeating: query[k]) - panel[k]
            a = a + d * d
        }
        return a
    }

    /// The 16 scores of four consecutive queries (rows of `dimension`) against one panel.
    @inline(__always)
    func accumulate4(_ q: UnsafePointer<Float>, _ panel: UnsafePointer<Lanes>) -> (Lanes, Lanes, Lanes, Lanes) {
        if metric == .cosine { return PanelKernels.dot4(q, stride: dimension, panel, length: dimension) }
        var (a0, a1, a2, a3) = (Lanes(), Lanes(), Lanes(), Lanes())
        let (q0, q1, q2, q3) = (q, q + dimension, q + 2 * dimension, q + 3 * dimension)
        for k in 0..<dimension {
            let e = panel[k]
            let d0 = Lanes(repeating: q0[k]) - e
            let d1 = Lanes(repeating: q1[k]) - e
            let d2 = Lanes(repeating: q2[k]) - e
            let d3 = Lanes(repeating: q3[k]) - e
            a0 = a0 + d0 * d0
            a1 = a1 + d1 * d1
            a2 = a2 + d2 * d2
            a3 = a3 + d3 * d3
        }
        return (a0, a1, a2, a3)
    }

    /// Keeps, per lane, the strictly better of the lane's best and the new `scores` of
    /// `panel`; padding lanes of a group's last panel never win.
    @inline(__always)
    func update(_ best: inout Lanes, _ bestIndex: inout SIMD16<Int32>, with scores: Lanes, panel: Int) {
        var scores = scores
        if panel == lastPanel { scores.replace(with: worstScore, where: paddingLanes) }
        let better = metric == .cosine ? scores .> best : scores .< best
        best.replace(with: scores, where: better)
        bestIndex.replace(with: Self.laneNumbers &+ Int32(panel * Self.laneNumbers.scalarCount), where: better)
    }

    /// The winner over the lanes: the best score, ties to the lowest index. A lane that never
    /// took a code saw only infinite euclidean distances; if every lane is like that, every
    /// distance is infinite and code 0 wins.
    func reduce(_ scores: Lanes, _ indices: SIMD16<Int32>) -> (Int32, Float) {
        var best: (index: Int32, score: Float)? = nil
        for lane in 0..<Self.laneNumbers.scalarCount where indices[lane] >= 0 {
            let candidate = (index: indices[lane], score: scores[lane])
            if let current = best {
                if metric.isBetter(candidate.score, than: current.score)
                    || (candidate.score == current.score && candidate.index < current.index) {
                    best = candidate
                }
            } else {
                best = candidate
            }
        }
        return best.map { ($0.index, $0.score) } ?? (0, worstScore)
    }
}
