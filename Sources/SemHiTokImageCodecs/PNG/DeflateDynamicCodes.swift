/// A dynamic block's codes and the header that transmits them (RFC 1951 section 3.2.7):
/// the code lengths, run-length coded with symbols 16 (repeat the previous length 3-6
/// times), 17 (3-10 zeros) and 18 (11-138 zeros), themselves Huffman coded.
struct DeflateDynamicCodes {
    let literalLengths: [UInt8]
    let distanceLengths: [UInt8]
    private let literalCount: Int
    private let distanceCount: Int
    /// The run-length coded lengths: (code-length symbol, extra value, extra bits).
    private let runs: [(symbol: Int, extra: Int, bits: Int)]
    private let codeLengthLengths: [UInt8]
    private let codeLengthCount: Int

    /// The codes for a block with these symbol frequencies (Spec/png.md section 7.2).
    init(literalFrequencies: [Int], distanceFrequencies: [Int]) {
        literalLengths = HuffmanCodeBuilder.codeLengths(frequencies: literalFrequencies, maximumLength: 15)
        distanceLengths = HuffmanCodeBuilder.codeLengths(frequencies: distanceFrequencies, maximumLength: 15)
        literalCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
        distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
        let lengths = Array(literalLengths[..<literalCount]) + Array(distanceLengths[..<distanceCount])
        var runs: [(symbol: Int, extra: Int, bits: Int)] = []
        var index = lengths.startIndex
        while index < lengths.endIndex {
            let value = lengths[index]
            var run = 1
            while index + run < lengths.endIndex && lengths[index + run] == value { run += 1 }
            index += run
            if value == 0 {
                while run >= 11 {
                    let count = min(run, 138)
                    runs.append((18, count - 11, 7))
                    run -= count
                }
                if run >= 3 {
                    runs.append((17, run - 3, 3))
                    run = 0
                }
            } else {
                runs.append((Int(value), 0, 0))
                run -= 1
                while run >= 3 {
                    let count = min(run, 6)
                    runs.append((16, count - 3, 2))
                    run -= count
                }
            }
            runs += repeatElement((symbol: Int(value), extra: 0, bits: 0), count: run)
        }
        self.runs = runs
        var frequencies = [Int](repeating: 0, count: 19)
        for run in runs { frequencies[run.symbol] += 1 }
        let codeLengthLengths = HuffmanCodeBuilder.codeLengths(frequencies: frequencies, maximumLength: 7)
        self.codeLengthLengths = codeLengthLengths
        codeLengthCount = max(4, (DeflateTables.codeLengthOrder.lastIndex { codeLengthLengths[$0] != 0 } ?? 0) + 1)
    }

    /// Bits of the header after the block type: counts, code-length code, coded lengths.
    var headerBits: Int {
        14 + 3 * codeLengthCount + runs.reduce(0) { $0 + Int(codeLengthLengths[$1.symbol]) + $1.bits }
    }

    /// Writes `HLIT`, `HDIST`, `HCLEN`, the code-length code and the coded lengths.
    func writeHeader(to writer: inout DeflateBitWriter) {
        writer.write(UInt32(literalCount - 257), bits: 5)
        writer.write(UInt32(distanceCount - 1), bits: 5)
        writer.write(UInt32(codeLengthCount - 4), bits: 4)
        for symbol in DeflateTables.codeLengthOrder.prefix(codeLengthCount) {
            writer.write(UInt32(codeLengthLengths[symbol]), bits: 3)
        }
        let codes = HuffmanCodeBuilder.codes(lengths: codeLengthLengths)
        for run in runs {
            writer.write(UInt32(codes[run.symbol]), bits: Int(codeLengthLengths[run.symbol]))
            writer.write(UInt32(run.extra), bits: run.bits)
        }
    }
}
