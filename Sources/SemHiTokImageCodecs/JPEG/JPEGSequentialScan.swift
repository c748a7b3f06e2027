/// Decodes the blocks of a sequential (baseline or extended Huffman) scan (T.81 F.2.2,
/// Spec/jpeg.md section 4.2).
enum JPEGSequentialScan {
    /// Decodes one block into `block` (row-major coefficients): the DC difference, added to
    /// `predictor`, then the AC run/size symbols up to end-of-block. Only the DC and the
    /// nonzero AC coefficients are written, as libjpeg writes them. Throws `corrupt` for a
    /// code missing from a table, a DC value outside 16 bits, or a run past coefficient 63.
    @inline(__always)
    static func decodeBlock(_ block: UnsafeMutablePointer<Int16>, dcTable: UnsafePointer<Int32>, acTable: UnsafePointer<Int32>,
                            predictor: inout Int32, naturalOrder: UnsafePointer<Int>,
                            reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        reader.ensureBits()
        let size = try reader.decodeSymbol(dcTable)
        let value = predictor &+ (size == 0 ? 0 : reader.signedValue(size))
        guard let dc = Int16(exactly: value) else { throw .corrupt("a DC coefficient of \(value) overflows 16 bits") }
        predictor = value
        block[0] = dc
        var k = 1
        while k < 64 {
            reader.ensureBits()
            let entry = reader.peekCoefficient(acTable)
            if entry != 0 {
                reader.consumeCoefficient(entry)
                k += Int(entry >> 8) & 0xFF
                guard k < 64 else { throw .corrupt("an AC run past the end of a block") }
                block[naturalOrder[k]] = Int16(truncatingIfNeeded: entry >> 16)
                k += 1
                continue
            }
            let symbol = try reader.decodeSymbol(acTable)
            let run = symbol >> 4
            let size = symbol & 15
            if size != 0 {
                k += run
                guard k < 64 else { throw .corrupt("an AC run past the end of a block") }
                block[naturalOrder[k]] = Int16(truncatingIfNeeded: reader.signedValue(size))
            } else if run == 15 {
                k += 15
            } else {
                return
            }
            k += 1
        }
    }
}
