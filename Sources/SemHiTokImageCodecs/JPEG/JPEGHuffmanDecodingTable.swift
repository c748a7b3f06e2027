/// A Huffman table laid out for decoding (T.81 F.2.2.3 and C.2, Spec/jpeg.md section 3.2):
/// one flat `Int32` array so that a scan reaches all its tables through a single pointer.
///
/// Layout, `layoutSize` entries:
/// - `[0, 512)`: indexed by the next 9 bits of the stream: `length << 8 | symbol` when a
///   code of at most 9 bits starts them, else 0 (the code is longer, or does not exist);
/// - `maximumCodeBase + l` for `l` in 1...16: the largest code of length `l`, or -1 when
///   there is none; `maximumCodeBase + 17` is a sentinel above every 16-bit code;
/// - `symbolOffsetBase + l`: the index in the symbols of the first code of length `l`,
///   minus that code;
/// - `symbolBase + i`: the `i`-th symbol;
/// - `coefficientBase + b`, indexed like the first part, for AC tables: when the next 9
///   bits hold a whole run/size code with a nonzero size and its extra bits,
///   `value << 16 | run << 8 | bits used`, with `value` the coefficient they code; else 0.
enum JPEGHuffmanDecodingTable {
    /// How many leading bits the direct lookups cover.
    static let lookaheadBits = 9
    static let maximumCodeBase = 512
    static let symbolOffsetBase = 530
    static let symbolBase = 548
    static let coefficientBase = 804
    static let layoutSize = 1316

    /// Appends the decoding layout of `specification` to `storage`. Throws `corrupt` when
    /// the code lengths over-fill the code space or would give a code of all 1 bits (which
    /// libjpeg also refuses), or, for a DC table (`isDC`), when a symbol is above
    /// `largestDCSymbol` (15 for DC differences, 16 for lossless sample differences).
    static func append(_ specification: JPEGHuffmanSpecification, isDC: Bool, largestDCSymbol: UInt8 = 15,
                       to storage: inout [Int32]) throws(ImageDecodingProblem) {
        if isDC, let symbol = specification.symbols.first(where: { $0 > largestDCSymbol }) {
            throw .corrupt("DC Huffman table has symbol \(symbol), above \(largestDCSymbol)")
        }
        let base = storage.count
        storage += [Int32](repeating: 0, count: layoutSize)
        var code: Int32 = 0
        var index = 0
        for length in 1...16 {
            let count = Int(specification.counts[length - 1])
            // The codes of this length are `code ..< code + count`; one past the last must
            // still fit in `length` bits, or the table over-subscribes the code space or its
            // last code is all 1 bits. Checked before any is laid out: the direct lookup
            // below indexes `code << (9 - length)`, which an over-full length would push
            // past the layout.
            guard Int(code) + count < 1 << length else { throw .corrupt("Huffman table over-subscribes the codes of length \(length)") }
            storage[base + symbolOffsetBase + length] = Int32(index) - code
            storage[base + maximumCodeBase + length] = count == 0 ? -1 : code + Int32(count) - 1
            for _ in 0..<count {
                if length <= lookaheadBits {
                    let shift = lookaheadBits - length
                    let entry = Int32(length << 8) | Int32(specification.symbols[index])
                    let first = Int(code) << shift
                    for slot in first..<(first + (1 << shift)) { storage[base + slot] = entry }
                }
                storage[base + symbolBase + index] = Int32(specification.symbols[index])
                code += 1
                index += 1
            }
            code <<= 1
        }
        storage[base + maximumCodeBase + 17] = Int32.max
        if !isDC { fillCoefficientLookup(at: base, in: &storage) }
    }

    /// Fills the combined run/size/extra-bits lookup from the symbol lookup.
    private static func fillCoefficientLookup(at base: Int, in storage: inout [Int32]) {
        for bits in 0..<(1 << lookaheadBits) {
            let entry = storage[base + bits]
            let codeLength = Int(entry >> 8)
            let run = Int(entry >> 4) & 15
            let size = Int(entry) & 15
            guard entry != 0, size != 0, codeLength + size <= lookaheadBits else { continue }
            let raw = (bits >> (lookaheadBits - codeLength - size)) & ((1 << size) - 1)
            // T.81 F.2.2.1 EXTEND: values below 2^(size-1) are negative.
            let value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw
            storage[base + coefficientBase + bits] = Int32(value) << 16 | Int32(run << 8 | (codeLength + size))
        }
    }
}
