import SemHiTok

/// What `inspect` tells about a set of token records: how many have each grid, in the
/// order the grids first occur, and the smallest and largest token id.
struct TokenStatistics {
    private var gridCounts: [String: Int] = [:]
    private var gridOrder: [String] = []
    private var smallest = UInt32.max
    private var largest = UInt32.min

    /// Counts `record`.
    mutating func add(_ record: TokenRecord) {
        let grid = Self.grid(of: record)
        if gridCounts[grid] == nil { gridOrder.append(grid) }
        gridCounts[grid, default: 0] += 1
        smallest = min(smallest, record.tokens.min()!)
        largest = max(largest, record.tokens.max()!)
    }

    /// `grids: 2 x 3 (1), 1 x 1 (4)` and `token ids: 0 to 196607`; nothing when no record
    /// was counted.
    var lines: [String] {
        guard !gridOrder.isEmpty else { return [] }
        return ["grids: " + gridOrder.map { "\($0) (\(gridCounts[$0]!))" }.joined(separator: ", "),
                "token ids: \(smallest) to \(largest)"]
    }

    /// `record`'s grid as the reports write it: `2 x 3`.
    static func grid(of record: TokenRecord) -> String {
        "\(record.gridHeight) x \(record.gridWidth)"
    }
}
