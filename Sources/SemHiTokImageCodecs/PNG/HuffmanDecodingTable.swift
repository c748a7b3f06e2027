/// The decoding table of one canonical Huffman code of a deflate stream (RFC 1951 section
/// 3.2.2), built from its code lengths and checked as Spec/png.md section 3 requires.
///
/// The table lives in memory its owner provides (`storageSize` UInt16 words), so that the
/// inflater can keep all its tables in one allocation and its hot loop touches raw memory
/// only. Codes of up to `fastBits` bits resolve with one lookup of the next `fastBits`
/// stream bits; longer codes, rare by construction, are decoded bit by bit from the counts
/// per length.
struct HuffmanDecodingTable {
    /// What the code encodes: its completeness rules differ (Spec/png.md section 3.3).
    enum Kind {
        case codeLength, literalLength, distance

        var name: String {
            switch self {
            case .codeLength: "code-length code"
            case .literalLength: "literal/length code"
            case .distance: "distance code"
            }
        }
    }

    /// Bits resolved by the first lookup.
    static let fastBits = 10
    static let fastMask = UInt64(1 << fastBits - 1)
    static let maximumCodeLength = 15

    /// UInt16 words a table for up to `symbolCapacity` symbols needs.
    static func storageSize(symbolCapacity: Int) -> Int {
        (1 << fastBits) + (maximumCodeLength + 1) + symbolCapacity
    }

    /// `1 << fastBits` entries indexed by the next stream bits: `symbol << 4 | length` for
    /// a code of `length <= fastBits` bits whose bit-reversed code is the index's low bits,
    /// else 0 (a longer code or no code).
    let fast: UnsafeMutablePointer<UInt16>
    /// Number of codes of each length 0...15 (index 0 unused).
    let counts: UnsafeMutablePointer<UInt16>
    /// The coded symbols ordered by code length, then by value: canonical code order.
    let symbols: UnsafeMutablePointer<UInt16>
    let symbolCapacity: Int

    /// A table in `storage`, which must hold `storageSize(symbolCapacity:)` words.
    init(storage: UnsafeMutablePointer<UInt16>, symbolCapacity: Int) {
        fast = storage
        counts = storage + (1 << Self.fastBits)
        symbols = counts + (Self.maximumCodeLength + 1)
        self.symbolCapacity = symbolCapacity
    }

    /// Builds the code whose symbol `s` has code length `lengths[s]` (0: unused, at most
    /// 15), for `lengths.count <= symbolCapacity` symbols. Throws `corrupt` when the
    /// lengths over-subscribe the code space, or leave part of it unused where the format
    /// does not allow that: allowed are a single code of length 1 (literal/length and
    /// distance codes) and no code at all (distance codes only).
    func build(_ lengths: UnsafeBufferPointer<UInt8>, kind: Kind) throws(ImageDecodingProblem) {
        precondition(lengths.count <= symbolCapacity)
        for length in 0...Self.maximumCodeLength { counts[length] = 0 }
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var unused = 1
        var codeCount = 0
        for length in 1...Self.maximumCodeLength {
            unused = unused << 1 - Int(counts[length])
            codeCount += Int(counts[length])
            guard unused >= 0 else { throw .corrupt("the \(kind.name) is over-subscribed") }
        }
        if unused > 0 {
            let singleBit = codeCount == 1 && counts[1] == 1 && kind != .codeLength
            let empty = codeCount == 0 && kind == .distance
            guard singleBit || empty else { throw .corrupt("the \(kind.name) is incomplete") }
        }

        var offset = [Int](repeating: 0, count: Self.maximumCodeLength + 1)
        for length in 1..<Self.maximumCodeLength { offset[length + 1] = offset[length] + Int(counts[length]) }
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offset[Int(length)]] = UInt16(symbol)
            offset[Int(length)] += 1
        }

        fast.update(repeating: 0, count: 1 << Self.fastBits)
        var code = 0
        var index = 0
        for length in 1...Self.fastBits {
            for _ in 0..<Int(counts[length]) {
                let entry = symbols[index] << 4 | UInt16(length)
                var slot = Self.reversed(code, bits: length)
                while slot < 1 << Self.fastBits {
                    fast[slot] = entry
                    slot += 1 << length
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
    }

    /// Decodes a code longer than `fastBits` (or an unassigned one) from the low bits of
    /// `bits`, which hold at least 15 valid stream bits: `symbol << 4 | length`, or nil when
    /// the bits start no code.
    func decodeLong(_ bits: UInt64) -> Int? {
        // Canonical codes of one length are consecutive integers, read most significant bit
        // first; `first` is the first code of the current length, `index` its symbol's place.
        var code = 0
        var first = 0
        var index = 0
        for length in 1...Self.maximumCodeLength {
            code |= Int((bits >> UInt64(length - 1)) & 1)
            let count = Int(counts[length])
            if code - first < count { return Int(symbols[index + code - first]) << 4 | length }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        return nil
    }

    /// The low `bits` bits of `code` in reverse order.
    static func reversed(_ code: Int, bits: Int) -> Int {
        var result = 0
        var value = code
        for _ in 0..<bits {
            result = result << 1 | value & 1
            value >>= 1
        }
        return result
    }
}
