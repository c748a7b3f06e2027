/// Builds the length-limited canonical Huffman codes the compressor writes (RFC 1951
/// section 3.2.2; Spec/png.md section 7.2).
enum HuffmanCodeBuilder {
    /// Code lengths minimising `sum(frequencies[s] * length[s])` with no length above
    /// `maximumLength`, by the package-merge algorithm; unused symbols get 0.
    ///
    /// At least two symbols always get a code, so that the code is complete: when fewer
    /// than two are used, the lowest-numbered unused symbols are added with weight 0.
    /// Ties are broken by symbol number, so the result is deterministic.
    static func codeLengths(frequencies: [Int], maximumLength: Int) -> [UInt8] {
        var used = frequencies.indices.filter { frequencies[$0] > 0 }
        for symbol in frequencies.indices where used.count < 2 && !used.contains(symbol) {
            used.append(symbol)
        }
        precondition(used.count >= 2 && 1 << maximumLength >= used.count, "too many symbols for the length limit")
        let leaves = used.sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }.map {
            Item(weight: frequencies[$0], symbol: $0, left: 0, right: 0)
        }

        // levels[k] is the merged list at depth maximumLength - k; a package points at two
        // consecutive items of the previous level.
        var levels: [[Item]] = [leaves]
        for _ in 1..<maximumLength {
            let previous = levels[levels.count - 1]
            var packages: [Item] = []
            var index = 0
            while index + 1 < previous.count {
                packages.append(Item(weight: previous[index].weight + previous[index + 1].weight,
                                     symbol: -1, left: index, right: index + 1))
                index += 2
            }
            var merged: [Item] = []
            merged.reserveCapacity(leaves.count + packages.count)
            var (leaf, package) = (0, 0)
            while leaf < leaves.count || package < packages.count {
                if package == packages.count || (leaf < leaves.count && leaves[leaf].weight <= packages[package].weight) {
                    merged.append(leaves[leaf])
                    leaf += 1
                } else {
                    merged.append(packages[package])
                    package += 1
                }
            }
            levels.append(merged)
        }

        // Each appearance of a symbol among the first 2n - 2 items of the last list, with
        // packages expanded, adds one to its code length.
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var pending = (0..<(2 * leaves.count - 2)).map { (level: levels.count - 1, index: $0) }
        while let (level, index) = pending.popLast() {
            let item = levels[level][index]
            if item.symbol >= 0 {
                lengths[item.symbol] += 1
            } else {
                pending.append((level - 1, item.left))
                pending.append((level - 1, item.right))
            }
        }
        return lengths
    }

    /// The canonical code of each symbol for `lengths` (RFC 1951 section 3.2.2), bit-reversed
    /// so that it can be written least significant bit first; 0 for unused symbols.
    static func codes(lengths: [UInt8]) -> [UInt16] {
        var countPerLength = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { countPerLength[Int(length)] += 1 }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1..<16 {
            code = (code + countPerLength[length - 1]) << 1
            nextCode[length] = code
        }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            var reversed = 0
            for bit in 0..<Int(length) { reversed |= (value >> bit & 1) << (Int(length) - 1 - bit) }
            return UInt16(reversed)
        }
    }

    /// A leaf (`symbol >= 0`) or a package of two items of the previous level.
    private struct Item {
        let weight: Int
        let symbol: Int
        let left: Int
        let right: Int
    }
}
