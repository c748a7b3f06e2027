/// Writes one deflate block of LZ77 tokens in whichever of the three block types is
/// smallest (Spec/png.md section 7.2): dynamic Huffman codes fitted to the block, the
/// fixed codes, or the raw bytes in stored blocks.
///
/// A token is a literal byte `b` (the value `b`) or a match `distance << 16 | length`.
enum DeflateBlockEncoder {
    /// Writes `tokens`, which encode exactly the bytes `raw`, as one block (or, when stored
    /// wins, as stored blocks of at most 65535 bytes), the last of the stream if `final`.
    static func write(_ tokens: [UInt32], raw: UnsafeRawBufferPointer, final: Bool, to writer: inout DeflateBitWriter) {
        var literalFrequencies = [Int](repeating: 0, count: DeflateTables.literalLengthSymbolCount)
        var distanceFrequencies = [Int](repeating: 0, count: DeflateTables.distanceSymbolCount)
        literalFrequencies[256] = 1
        var extraBits = 0
        for token in tokens {
            if token >> 16 == 0 {
                literalFrequencies[Int(token)] += 1
            } else {
                let lengthIndex = Int(lengthIndices[Int(token & 0xFFFF)])
                let distanceSymbol = Int(distanceSymbols[Int(token >> 16)])
                literalFrequencies[257 + lengthIndex] += 1
                distanceFrequencies[distanceSymbol] += 1
                extraBits += Int(DeflateTables.lengthExtraBits[lengthIndex]) + Int(DeflateTables.distanceExtraBits[distanceSymbol])
            }
        }

        let dynamic = DeflateDynamicCodes(literalFrequencies: literalFrequencies, distanceFrequencies: distanceFrequencies)
        let dynamicCost = 3 + dynamic.headerBits + extraBits
            + cost(literalFrequencies, dynamic.literalLengths) + cost(distanceFrequencies, dynamic.distanceLengths)
        let fixedCost = 3 + extraBits
            + cost(literalFrequencies, DeflateTables.fixedLiteralLengths) + cost(distanceFrequencies, DeflateTables.fixedDistanceLengths)
        let chunks = max(1, (raw.count + 65_534) / 65_535)
        let firstPadding = (8 - (writer.bitsWritten + 3) % 8) % 8
        let storedCost = 3 + firstPadding + (chunks - 1) * 8 + chunks * 32 + 8 * raw.count

        if storedCost < min(dynamicCost, fixedCost) {
            writeStored(raw, final: final, to: &writer)
        } else if fixedCost <= dynamicCost {
            writer.write(final ? 1 : 0, bits: 1)
            writer.write(1, bits: 2)
            writeTokens(tokens, literalLengths: DeflateTables.fixedLiteralLengths, literalCodes: fixedLiteralCodes,
                        distanceLengths: DeflateTables.fixedDistanceLengths, distanceCodes: fixedDistanceCodes, to: &writer)
        } else {
            writer.write(final ? 1 : 0, bits: 1)
            writer.write(2, bits: 2)
            dynamic.writeHeader(to: &writer)
            writeTokens(tokens, literalLengths: dynamic.literalLengths,
                        literalCodes: HuffmanCodeBuilder.codes(lengths: dynamic.literalLengths),
                        distanceLengths: dynamic.distanceLengths,
                        distanceCodes: HuffmanCodeBuilder.codes(lengths: dynamic.distanceLengths), to: &writer)
        }
    }

    private static func writeStored(_ raw: UnsafeRawBufferPointer, final: Bool, to writer: inout DeflateBitWriter) {
        var start = 0
        repeat {
            let length = min(65_535, raw.count - start)
            let last = start + length == raw.count
            writer.write(final && last ? 1 : 0, bits: 1)
            writer.write(0, bits: 2)
            writer.alignToByte()
            writer.write(UInt32(length), bits: 16)
            writer.write(UInt32(~length & 0xFFFF), bits: 16)
            writer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
            start += length
        } while start < raw.count
    }

    private static func writeTokens(_ tokens: [UInt32], literalLengths: [UInt8], literalCodes: [UInt16],
                                    distanceLengths: [UInt8], distanceCodes: [UInt16], to writer: inout DeflateBitWriter) {
        for token in tokens {
            if token >> 16 == 0 {
                let symbol = Int(token)
                writer.write(UInt32(literalCodes[symbol]), bits: Int(literalLengths[symbol]))
                continue
            }
            let length = Int(token & 0xFFFF), distance = Int(token >> 16)
            let lengthIndex = Int(lengthIndices[length])
            writer.write(UInt32(literalCodes[257 + lengthIndex]), bits: Int(literalLengths[257 + lengthIndex]))
            writer.write(UInt32(length - Int(DeflateTables.lengthBase[lengthIndex])),
                         bits: Int(DeflateTables.lengthExtraBits[lengthIndex]))
            let distanceSymbol = Int(distanceSymbols[distance])
            writer.write(UInt32(distanceCodes[distanceSymbol]), bits: Int(distanceLengths[distanceSymbol]))
            writer.write(UInt32(distance - Int(DeflateTables.distanceBase[distanceSymbol])),
                         bits: Int(DeflateTables.distanceExtraBits[distanceSymbol]))
        }
        writer.write(UInt32(literalCodes[256]), bits: Int(literalLengths[256]))
    }

    /// Bits of the coded symbols: each frequency times its code length.
    private static func cost(_ frequencies: [Int], _ lengths: [UInt8]) -> Int {
        zip(frequencies, lengths).reduce(0) { $0 + $1.0 * Int($1.1) }
    }

    /// The length symbol's index (`symbol - 257`) of each match length 3...258.
    private static let lengthIndices: [UInt8] = (0...258).map { length in
        UInt8(DeflateTables.lengthBase.lastIndex { Int($0) <= max(length, 3) } ?? 0)
    }

    /// The distance symbol of each distance 1...32768.
    private static let distanceSymbols: [UInt8] = {
        var symbols = [UInt8](repeating: 0, count: DeflateTables.windowSize + 1)
        var symbol = 0
        for distance in 1...DeflateTables.windowSize {
            if symbol + 1 < DeflateTables.distanceBase.count && Int(DeflateTables.distanceBase[symbol + 1]) <= distance {
                symbol += 1
            }
            symbols[distance] = UInt8(symbol)
        }
        return symbols
    }()

    private static let fixedLiteralCodes = HuffmanCodeBuilder.codes(lengths: DeflateTables.fixedLiteralLengths)
    private static let fixedDistanceCodes = HuffmanCodeBuilder.codes(lengths: DeflateTables.fixedDistanceLengths)
}
