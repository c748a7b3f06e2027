/// Decodes the blocks of a sequential (baseline or extended Huffman) scan (T.81 F.2.2,
/// Spec/jpeg.md section 4.2).
enum JPEGSequentialScan {
    /// Decodes one block into `block` (row-major coefficients): the DC difference, added to
    /// `predictor`, then the AC run/size symbols up to end-of-block. Only the DC and the
    /// nonzero AC coefficients are written, as libjpeg writes them. Damage is decoded as
    /// libjpeg decodes it (Spec/jpeg.md section 4.7): the predictor is a 32-bit sum and the
    /// coefficient its low 16 bits; a run past coefficient 63 writes position 63.
    @inline(__always)
    static func decodeBlock(_ block: UnsafeMutablePointer<Int16>, dcTable: UnsafePointer<Int32>, acTable: UnsafePointer<Int32>,
                            predictor: inout Int32, naturalOrder: UnsafePointer<Int>, reader: inout JPEGBitReader) {
        reader.ensureBits()
        let size = reader.decodeSymbol(dcTable)
        predictor = predictor &+ (size == 0 ? 0 : reader.signedValue(size))
        block[0] = Int16(truncatingIfNeeded: predictor)
        var k = 1
        while k < 64 {
            reader.ensureBits()
            let entry = reader.peekCoefficient(acTable)
            if entry != 0 {
                reader.consumeCoefficient(entry)
                k += Int(entry >> 8) & 0xFF
                block[naturalOrder[k]] = Int16(truncatingIfNeeded: entry >> 16)
                k += 1
                continue
            }
            let symbol = reader.decodeSymbol(acTable)
            let run = symbol >> 4
            let size = symbol & 15
            if size != 0 {
                k += run
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
