/// The prefix codes of one VP8L entropy-coded image (Spec/webp.md section 4.4), built into
/// lookup tables that share one array.
///
/// A code's table is indexed by the next stream bits: a root level of `rootBits` bits (at
/// most 8; 0 for a code of a single symbol, which takes no bits), whose entries either
/// give a symbol and its length or, for longer codes, point to a second-level table. An
/// entry is `value << 8 | length`: for a symbol, `value` is the symbol and `length` its
/// code length (within the level); for a pointer, `value` is the second-level table's
/// offset from the code's start and `length` the root bits plus the second level's bits.
struct VP8LPrefixCodes {
    /// Every table's entries.
    private(set) var entries: [UInt32] = []
    /// Per code: its table's first entry in `entries`, and its root bits.
    private(set) var starts: [Int32] = []
    private(set) var rootBits: [UInt8] = []

    static let maximumCodeLength = 15
    static let maximumRootBits = 8

    var count: Int { starts.count }

    /// Checks `lengths` (code lengths 0...15 indexed by symbol) as libwebp does and, unless
    /// `keep` is false, appends the code's table. Throws `corrupt` naming `what` when no
    /// symbol has a length, or when the lengths (two or more) do not describe a complete
    /// prefix code; one symbol alone is a code of zero bits, whatever its length. Returns
    /// whether the code is such a code of one symbol.
    @discardableResult
    mutating func append(_ lengths: UnsafeBufferPointer<UInt8>, what: String, keep: Bool = true) throws(ImageDecodingProblem) -> Bool {
        var counts = [Int](repeating: 0, count: Self.maximumCodeLength + 1)
        var used = 0
        var lastSymbol = 0
        for (symbol, length) in lengths.enumerated() where length != 0 {
            counts[Int(length)] += 1
            used += 1
            lastSymbol = symbol
        }
        guard used > 0 else { throw .corrupt("the \(what) has no symbols") }
        if used == 1 {
            guard keep else { return true }
            starts.append(Int32(entries.count))
            rootBits.append(0)
            entries.append(UInt32(lastSymbol) << 8)
            return true
        }
        // Kraft's sum in units of 2^-15: exactly 2^15 for a complete code.
        var space = 0
        for length in 1...Self.maximumCodeLength { space += counts[length] << (Self.maximumCodeLength - length) }
        guard space <= 1 << Self.maximumCodeLength else { throw .corrupt("the \(what) is over-subscribed") }
        guard space == 1 << Self.maximumCodeLength else { throw .corrupt("the \(what) is incomplete") }
        if keep { build(lengths, counts: counts) }
        return false
    }

    /// Appends the two-level table of a complete code with the length histogram `counts`.
    private mutating func build(_ lengths: UnsafeBufferPointer<UInt8>, counts: [Int]) {
        let maximumLength = counts.lastIndex { $0 != 0 } ?? 1
        let root = min(Self.maximumRootBits, maximumLength)
        let rootMask = 1 << root - 1
        // Canonical codes: consecutive integers within a length, lengths in increasing order.
        var nextCode = [Int](repeating: 0, count: Self.maximumCodeLength + 2)
        for length in 1...Self.maximumCodeLength { nextCode[length + 1] = (nextCode[length] + counts[length]) << 1 }
        var codes = [Int](repeating: 0, count: lengths.count)
        var secondLevelBits = [Int](repeating: 0, count: 1 << root)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            let length = Int(length)
            codes[symbol] = HuffmanDecodingTable.reversed(nextCode[length], bits: length)
            nextCode[length] += 1
            if length > root {
                let prefix = codes[symbol] & rootMask
                secondLevelBits[prefix] = max(secondLevelBits[prefix], length - root)
            }
        }
        let start = entries.count
        var size = 1 << root
        var secondLevelStart = [Int](repeating: 0, count: 1 << root)
        for prefix in 0..<(1 << root) where secondLevelBits[prefix] > 0 {
            secondLevelStart[prefix] = size
            size += 1 << secondLevelBits[prefix]
        }
        entries.append(contentsOf: repeatElement(0, count: size))
        entries.withUnsafeMutableBufferPointer { table in
            for prefix in 0..<(1 << root) where secondLevelBits[prefix] > 0 {
                table[start + prefix] = UInt32(secondLevelStart[prefix]) << 8 | UInt32(root + secondLevelBits[prefix])
            }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                let length = Int(length)
                let code = codes[symbol]
                if length <= root {
                    var slot = code
                    while slot < 1 << root {
                        table[start + slot] = UInt32(symbol) << 8 | UInt32(length)
                        slot += 1 << length
                    }
                } else {
                    let prefix = code & rootMask
                    let subBits = secondLevelBits[prefix]
                    var slot = code >> root
                    while slot < 1 << subBits {
                        table[start + secondLevelStart[prefix] + slot] = UInt32(symbol) << 8 | UInt32(length - root)
                        slot += 1 << (length - root)
                    }
                }
            }
        }
        starts.append(Int32(start))
        rootBits.append(UInt8(root))
    }
}

/// One prefix code's table as the decoding loop reads it: raw pointers, no reference counting.
struct VP8LPrefixCodeTable {
    let table: UnsafePointer<UInt32>
    let rootBits: Int

    /// The next symbol of `reader`'s stream, which must hold at least 15 buffered bits.
    @inline(__always)
    func readSymbol(_ reader: inout InflateBitReader) -> Int {
        let bits = reader.buffer
        let entry = table[Int(truncatingIfNeeded: bits) & (1 << rootBits - 1)]
        let length = Int(entry & 0xFF)
        if length <= rootBits {
            reader.consume(length)
            return Int(entry >> 8)
        }
        let second = table[Int(entry >> 8) + (Int(truncatingIfNeeded: bits >> UInt64(rootBits)) & (1 << (length - rootBits) - 1))]
        reader.consume(rootBits + Int(second & 0xFF))
        return Int(second >> 8)
    }
}
