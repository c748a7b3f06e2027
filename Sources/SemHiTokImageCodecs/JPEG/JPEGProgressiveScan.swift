/// Decodes the blocks of progressive scans (T.81 G.1.2, Spec/jpeg.md section 4.3): DC and AC
/// first scans and their successive-approximation refinements, with libjpeg's handling of
/// each bit.
enum JPEGProgressiveScan {
    /// DC first scan: the DC difference, added to `predictor`, shifted left by `al`.
    @inline(__always)
    static func decodeDCFirst(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, predictor: inout Int32,
                              al: Int, reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        reader.ensureBits()
        let size = try reader.decodeSymbol(table)
        let value = predictor &+ (size == 0 ? 0 : reader.signedValue(size))
        guard let dc = Int16(exactly: Int(value) << al) else {
            throw .corrupt("a DC coefficient of \(value) << \(al) overflows 16 bits")
        }
        predictor = value
        block[0] = dc
    }

    /// DC refinement scan: one bit, ORed into bit `al` of the DC coefficient.
    @inline(__always)
    static func decodeDCRefinement(_ block: UnsafeMutablePointer<Int16>, al: Int, reader: inout JPEGBitReader) {
        if reader.bit() { block[0] |= Int16(1) << Int16(al) }
    }

    /// AC first scan over zigzag indices `start...end`: coefficients shifted left by `al`,
    /// end-of-band runs counted in `endOfBandRun` across blocks.
    @inline(__always)
    static func decodeACFirst(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, start: Int, end: Int, al: Int,
                              endOfBandRun: inout Int, naturalOrder: UnsafePointer<Int>,
                              reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        if endOfBandRun > 0 {
            endOfBandRun -= 1
            return
        }
        var k = start
        while k <= end {
            reader.ensureBits()
            let symbol = try reader.decodeSymbol(table)
            let run = symbol >> 4
            let size = symbol & 15
            if size != 0 {
                k += run
                guard k <= end else { throw .corrupt("an AC run past the end of the spectral band") }
                let value = Int(reader.signedValue(size)) << al
                guard let coefficient = Int16(exactly: value) else {
                    throw .corrupt("an AC coefficient of \(value) overflows 16 bits")
                }
                block[naturalOrder[k]] = coefficient
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
    /// bit is already set (libjpeg's rule).
    @inline(__always)
    static func decodeACRefinement(_ block: UnsafeMutablePointer<Int16>, table: UnsafePointer<Int32>, start: Int, end: Int, al: Int,
                                   endOfBandRun: inout Int, naturalOrder: UnsafePointer<Int>,
                                   reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        let bit = Int16(1) << Int16(al)
        var k = start
        if endOfBandRun == 0 {
            while k <= end {
                reader.ensureBits()
                let symbol = try reader.decodeSymbol(table)
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
                        try refine(block + position, bit: bit, reader: &reader)
                    } else {
                        if run == 0 { break }
                        run -= 1
                    }
                    k += 1
                }
                if newValue != 0 {
                    guard k <= end else { throw .corrupt("a refinement run past the end of the spectral band") }
                    block[naturalOrder[k]] = newValue
                }
                k += 1
            }
        }
        if endOfBandRun > 0 {
            while k <= end {
                let position = naturalOrder[k]
                if block[position] != 0 { try refine(block + position, bit: bit, reader: &reader) }
                k += 1
            }
            endOfBandRun -= 1
        }
    }

    /// Applies one correction bit to a nonzero coefficient.
    @inline(__always)
    private static func refine(_ coefficient: UnsafeMutablePointer<Int16>, bit: Int16,
                               reader: inout JPEGBitReader) throws(ImageDecodingProblem) {
        guard reader.bit(), coefficient.pointee & bit == 0 else { return }
        let (value, overflow) = coefficient.pointee >= 0
            ? coefficient.pointee.addingReportingOverflow(bit)
            : coefficient.pointee.subtractingReportingOverflow(bit)
        guard !overflow else { throw .corrupt("a refined AC coefficient overflows 16 bits") }
        coefficient.pointee = value
    }
}
