/// Decodes the blocks of progressive scans (T.81 G.1.2, Spec/jpeg.md section 4.3): DC and AC
/// first scans and their successive-approximation refinements, with libjpeg's handling of
/// each bit.
enum JPEGProgressiveScan {
    /// DC first scan: the DC difference, added to `predictor`, shifted left by `al`; the
    /// coefficient keeps the low 16 bits, as in libjpeg. Throws `corrupt` when the sum
    /// leaves 32 bits, where libjpeg stops with an error.
    @inline(__always)
    static func decodeDCFirst(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, predictor: inout Int32,
                              al: Int, reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        reader.ensureBits()
        let size = reader.decodeSymbol(table)
        let (value, overflow) = predictor.addingReportingOverflow(size == 0 ? 0 : reader.signedValue(size))
        guard !overflow else { throw .corrupt("a DC prediction outside 32 bits") }
        predictor = value
        block[0] = Int16(truncatingIfNeeded: Int(value) << al)
    }

    /// DC refinement scan: one bit, ORed into bit `al` of the DC coefficient.
    @inline(__always)
    static func decodeDCRefinement(_ block: UnsafeMutablePointer<Int16>, al: Int, reader: inout JPEGBitReader) {
        if reader.bit() { block[0] |= Int16(1) << Int16(al) }
    }

    /// AC first scan over zigzag indices `start...end`: coefficients shifted left by `al`
    /// (the low 16 bits kept), end-of-band runs counted in `endOfBandRun` across blocks. A
    /// run past `end` writes zigzag index k regardless, as libjpeg does.
    @inline(__always)
    static func decodeACFirst(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, start: Int, end: Int, al: Int,
                              endOfBandRun: inout Int, naturalOrder: UnsafePointer<Int>, reader: inout JPEGBitReader) {
        if endOfBandRun > 0 {
            endOfBandRun -= 1
            return
        }
        var k = start
        while k <= end {
            reader.ensureBits()
            let symbol = reader.decodeSymbol(table)
            let run = symbol >> 4
            let size = symbol & 15
            if size != 0 {
                k += run
                block[naturalOrder[k]] = Int16(truncatingIfNeeded: Int(reader.signedValue(size)) << al)
            } else if run == 15 {
                k += 15
            } else {
                // EOBn: this block and 2^n - 1 + (n extra bits) more end here.
                endOfBandRun = (1 << run) - 1 + (run == 0 ? 0 : reader.bits(run))
                return
            }
            k += 1
        }
    }

    /// AC refinement scan over zigzag indices `start...end` (T.81 G.1.2.3): new coefficients
    /// of magnitude `2^al`, and one correction bit for each coefficient already nonzero that
    /// the scan passes, which when set moves it one `2^al` step away from zero unless that
    /// bit is already set (libjpeg's rule, 16-bit wrapping). A new coefficient whose run
    /// passes `end` goes to zigzag index `end + 1`, as libjpeg puts it.
    @inline(__always)
    static func decodeACRefinement(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, start: Int, end: Int, al: Int,
                                   endOfBandRun: inout Int, naturalOrder: UnsafePointer<Int>, reader: inout JPEGBitReader) {
        let bit = Int16(1) << Int16(al)
        var k = start
        if endOfBandRun == 0 {
            while k <= end {
                reader.ensureBits()
                let symbol = reader.decodeSymbol(table)
                var run = symbol >> 4
                let size = symbol & 15
                var newValue: Int16 = 0
                if size != 0 {
                    // libjpeg takes any nonzero size as 1 here (T.81 allows only 1).
                    newValue = reader.bit() ? bit : -bit
                } else if run != 15 {
                    endOfBandRun = (1 << run) + (run == 0 ? 0 : reader.bits(run))
                    break
                }
                // Skip `run` zero coefficients, refining the nonzero ones passed on the way;
                // a new coefficient goes in the zero coefficient after them.
                while k <= end {
                    let position = naturalOrder[k]
                    if block[position] != 0 {
                        refine(block + position, bit: bit, reader: &reader)
                    } else {
                        if run == 0 { break }
                        run -= 1
                    }
                    k += 1
                }
                if newValue != 0 { block[naturalOrder[k]] = newValue }
                k += 1
            }
        }
        if endOfBandRun > 0 {
            while k <= end {
                let position = naturalOrder[k]
                if block[position] != 0 { refine(block + position, bit: bit, reader: &reader) }
                k += 1
            }
            endOfBandRun -= 1
        }
    }

    /// Applies one correction bit to a nonzero coefficient.
    @inline(__always)
    private static func refine(_ coefficient: UnsafeMutablePointer<Int16>, bit: Int16, reader: inout JPEGBitReader) {
        guard reader.bit(), coefficient.pointee & bit == 0 else { return }
        coefficient.pointee = coefficient.pointee >= 0 ? coefficient.pointee &+ bit : coefficient.pointee &- bit
    }
}
