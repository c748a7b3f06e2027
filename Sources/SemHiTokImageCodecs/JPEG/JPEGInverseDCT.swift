/// Dequantization and the inverse DCT, exactly as libjpeg's accurate integer method
/// ("islow", `JDCT_ISLOW`, libjpeg's default and Pillow's) computes them (Spec/jpeg.md
/// section 5): the Loeffler-Ligtenberg-Moschytz factorisation with 13-bit constants, a first
/// pass down the columns keeping 2 extra bits, a second pass along the rows, and libjpeg's
/// range limit on the low 10 bits of each result.
///
/// Arithmetic is 64-bit, as libjpeg's `JLONG` on 64-bit systems, and the first pass's
/// results are stored as 32-bit integers, as in libjpeg's workspace; no input can overflow
/// either. Columns and rows whose AC terms are all zero take libjpeg's shortcut, which gives
/// the same values as the full computation.
enum JPEGInverseDCT {
    /// Transforms every sample-holding block of `storage` (`heightInBlocks` rows of
    /// `widthInBlocks` blocks) into `plane`, 8-bit samples in rows of `widthInBlocks * 8`,
    /// each block first passed through `smoothing` when given. `storage.quantization` must
    /// be set.
    static func transform(_ storage: JPEGCoefficientStorage, widthInBlocks: Int, heightInBlocks: Int,
                          into plane: UnsafeMutablePointer<UInt8>, smoothing: JPEGBlockSmoothing? = nil) {
        let quantization = storage.quantization ?? [Int32](repeating: 0, count: 64)
        let stride = widthInBlocks * 8
        let workspace = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        defer { workspace.deallocate() }
        let smoothed = UnsafeMutablePointer<Int16>.allocate(capacity: 64)
        defer { smoothed.deallocate() }
        let blocks = storage.coefficients
        let blocksPerLine = storage.blocksPerLine
        quantization.withUnsafeBufferPointer { table in
            rangeLimitTable.withUnsafeBufferPointer { limit in
                guard let table = table.baseAddress, let limit = limit.baseAddress else { return }
                for row in 0..<heightInBlocks {
                    for column in 0..<widthInBlocks {
                        var block = UnsafePointer(blocks + (row * blocksPerLine + column) * 64)
                        if let smoothing {
                            smoothing.smoothedBlock(row: row, column: column, into: smoothed)
                            block = UnsafePointer(smoothed)
                        }
                        transformBlock(block, quantization: table,
                                       output: plane + row * 8 * stride + column * 8, stride: stride,
                                       workspace: workspace, rangeLimit: limit)
                    }
                }
            }
        }
    }

    /// One block: 64 row-major coefficients times their multipliers (`quantization`, 64
    /// row-major), to 8 x 8 samples at `output` with rows `stride` bytes apart. `workspace`
    /// holds 64 values; `rangeLimit` points at `rangeLimitTable`.
    @inline(__always)
    static func transformBlock(_ coefficients: UnsafePointer<Int16>, quantization: UnsafePointer<Int32>,
                               output: UnsafeMutablePointer<UInt8>, stride: Int, workspace: UnsafeMutablePointer<Int32>,
                               rangeLimit: UnsafePointer<UInt8>) {
        let raw = UnsafeRawPointer(coefficients)
        @inline(__always) func row(_ index: Int) -> SIMD8<Int16> {
            raw.loadUnaligned(fromByteOffset: 16 * index, as: SIMD8<Int16>.self)
        }
        // Lane c is nonzero when column c has a nonzero AC coefficient.
        let columnsWithAC = row(1) | row(2) | row(3) | row(4) | row(5) | row(6) | row(7)
        if columnsWithAC == .zero, row(0) & SIMD8(0, -1, -1, -1, -1, -1, -1, -1) == .zero {
            // DC only: both passes' shortcuts give one value for the whole block.
            let first = Int64(Int32(truncatingIfNeeded: (Int64(coefficients[0]) * Int64(quantization[0])) << 2))
            let sample = rangeLimit[Int(truncatingIfNeeded: (first + 16) >> 5) & 1023]
            for line in 0..<8 {
                UnsafeMutableRawPointer(output + line * stride).storeBytes(of: SIMD8<UInt8>(repeating: sample), as: SIMD8<UInt8>.self)
            }
            return
        }
        // Pass 1: columns; results keep 2 extra bits (PASS1_BITS).
        for column in 0..<8 {
            @inline(__always) func input(_ row: Int) -> Int64 {
                Int64(coefficients[8 * row + column]) * Int64(quantization[8 * row + column])
            }
            if columnsWithAC[column] == 0 {
                let value = Int32(truncatingIfNeeded: input(0) << 2)
                for line in 0..<8 { workspace[8 * line + column] = value }
                continue
            }
            let o = oneDimensional(input(0), input(1), input(2), input(3), input(4), input(5), input(6), input(7))
            @inline(__always) func store(_ line: Int, _ value: Int64) {
                workspace[8 * line + column] = Int32(truncatingIfNeeded: (value + (1 << 10)) >> 11)
            }
            store(0, o.0); store(1, o.1); store(2, o.2); store(3, o.3)
            store(4, o.4); store(5, o.5); store(6, o.6); store(7, o.7)
        }
        // Pass 2: rows, removing pass 1's 2 bits and the 3 bits of the two passes' scaling.
        for line in 0..<8 {
            let w = workspace + 8 * line
            let out = output + line * stride
            let values = UnsafeRawPointer(w).loadUnaligned(as: SIMD8<Int32>.self)
            if values & SIMD8(0, -1, -1, -1, -1, -1, -1, -1) == .zero {
                let sample = rangeLimit[Int(truncatingIfNeeded: (Int64(w[0]) + 16) >> 5) & 1023]
                UnsafeMutableRawPointer(out).storeBytes(of: SIMD8<UInt8>(repeating: sample), as: SIMD8<UInt8>.self)
                continue
            }
            let o = oneDimensional(Int64(w[0]), Int64(w[1]), Int64(w[2]), Int64(w[3]),
                                   Int64(w[4]), Int64(w[5]), Int64(w[6]), Int64(w[7]))
            @inline(__always) func sample(_ value: Int64) -> UInt8 {
                rangeLimit[Int(truncatingIfNeeded: (value + (1 << 17)) >> 18) & 1023]
            }
            out[0] = sample(o.0); out[1] = sample(o.1); out[2] = sample(o.2); out[3] = sample(o.3)
            out[4] = sample(o.4); out[5] = sample(o.5); out[6] = sample(o.6); out[7] = sample(o.7)
        }
    }

    /// libjpeg's range limit, indexed by the low 10 bits of a final result `x` (centred on
    /// 0): those bits read as a signed number, plus 128, clamped to 0...255. So `x + 128`
    /// clamped for `x` in -512...511, wrapping beyond.
    static let rangeLimitTable: [UInt8] = (0..<1024).map { index in
        let signed = index < 512 ? index : index - 1024
        return UInt8(min(max(signed + 128, 0), 255))
    }

    /// libjpeg's 1-D IDCT of 8 inputs, scaled by 2^13 (CONST_BITS) and by sqrt(8);
    /// constants are FIX(x) = round(x * 2^13).
    @inline(__always)
    private static func oneDimensional(_ x0: Int64, _ x1: Int64, _ x2: Int64, _ x3: Int64, _ x4: Int64, _ x5: Int64,
                                       _ x6: Int64, _ x7: Int64) -> (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) {
        // Even part: the rotation by sqrt(2) c6.
        let z1 = (x2 + x6) * 4433                    // FIX(0.541196100)
        let even2 = z1 - x6 * 15137                  // FIX(1.847759065)
        let even3 = z1 + x2 * 6270                   // FIX(0.765366865)
        let even0 = (x0 + x4) << 13
        let even1 = (x0 - x4) << 13
        let tmp10 = even0 + even3
        let tmp13 = even0 - even3
        let tmp11 = even1 + even2
        let tmp12 = even1 - even2
        // Odd part.
        let sum4 = x5 + x1
        let sum3 = x7 + x3
        let sum2 = x5 + x3
        let sum1 = x7 + x1
        let z5 = (sum3 + sum4) * 9633                // FIX(1.175875602)
        let p4 = z5 - sum4 * 3196                    // FIX(0.390180644)
        let p3 = z5 - sum3 * 16069                   // FIX(1.961570560)
        let p1 = -sum1 * 7373                        // FIX(0.899976223)
        let p2 = -sum2 * 20995                       // FIX(2.562915447)
        let tmp3 = x1 * 12299 + p1 + p4              // FIX(1.501321110)
        let tmp2 = x3 * 25172 + p2 + p3              // FIX(3.072711026)
        let tmp1 = x5 * 16819 + p2 + p4              // FIX(2.053119869)
        let tmp0 = x7 * 2446 + p1 + p3               // FIX(0.298631336)
        return (tmp10 + tmp3, tmp11 + tmp2, tmp12 + tmp1, tmp13 + tmp0,
                tmp13 - tmp0, tmp12 - tmp1, tmp11 - tmp2, tmp10 - tmp3)
    }
}
