/// Dequantization and the inverse DCT, exactly as libjpeg-turbo's accurate integer method
/// ("islow", `JDCT_ISLOW`, libjpeg's default and Pillow's) computes them on x86-64, where
/// Pillow runs its SSE2 or AVX2 code (Spec/jpeg.md section 5): the
/// Loeffler-Ligtenberg-Moschytz factorisation with 13-bit constants, a first pass down the
/// columns keeping 2 extra bits, a second pass along the rows.
///
/// The SIMD code keeps dequantized coefficients, the sums of two inputs and the first
/// pass's results in 16 bits (wrapping, wrapping and saturating) and saturates the
/// samples. For the values valid files give, that equals libjpeg's C code; for the huge
/// coefficients of damaged data it does not, and this follows the SIMD code, which is what
/// Pillow's pixels come from.
enum JPEGInverseDCT {
    /// Transforms every sample-holding block of `storage` (`heightInBlocks` rows of
    /// `widthInBlocks` blocks) into `plane`, 8-bit samples in rows of `widthInBlocks * 8`,
    /// each block first passed through `smoothing` when given. A nil `storage.quantization`
    /// (a component no scan covers) stands for zero multipliers, as in libjpeg.
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
            guard let table = table.baseAddress else { return }
            for row in 0..<heightInBlocks {
                for column in 0..<widthInBlocks {
                    var block = UnsafePointer(blocks + (row * blocksPerLine + column) * 64)
                    if let smoothing {
                        smoothing.smoothedBlock(row: row, column: column, into: smoothed)
                        block = UnsafePointer(smoothed)
                    }
                    transformBlock(block, quantization: table, output: plane + row * 8 * stride + column * 8,
                                   stride: stride, workspace: workspace)
                }
            }
        }
    }

    /// One block: 64 row-major coefficients times their multipliers (`quantization`, 64
    /// row-major), to 8 x 8 samples at `output` with rows `stride` bytes apart. `workspace`
    /// holds 64 values.
    @inline(__always)
    static func transformBlock(_ coefficients: UnsafePointer<Int16>, quantization: UnsafePointer<Int32>,
                               output: UnsafeMutablePointer<UInt8>, stride: Int, workspace: UnsafeMutablePointer<Int32>) {
        let raw = UnsafeRawPointer(coefficients)
        @inline(__always) func row(_ index: Int) -> SIMD8<Int16> {
            raw.loadUnaligned(fromByteOffset: 16 * index, as: SIMD8<Int16>.self)
        }
        @inline(__always) func input(_ position: Int) -> Int32 {
            Int32(Int16(truncatingIfNeeded: Int32(coefficients[position]) &* quantization[position]))
        }
        // Lane c is nonzero when column c has a nonzero AC coefficient.
        let columnsWithAC = row(1) | row(2) | row(3) | row(4) | row(5) | row(6) | row(7)
        if columnsWithAC == .zero, row(0) & SIMD8(0, -1, -1, -1, -1, -1, -1, -1) == .zero {
            // DC only: both passes' shortcuts give one value for the whole block.
            let value = sample((Int32(Int16(truncatingIfNeeded: input(0) << 2)) + 16) >> 5)
            for line in 0..<8 {
                UnsafeMutableRawPointer(output + line * stride).storeBytes(of: SIMD8<UInt8>(repeating: value), as: SIMD8<UInt8>.self)
            }
            return
        }
        if columnsWithAC == .zero {
            // Rows 1 to 7 all zero: the SIMD code's shortcut, each column's value shifted
            // in 16 bits (wrapping where the full pass would saturate).
            for column in 0..<8 {
                let value = Int32(Int16(truncatingIfNeeded: input(column) << 2))
                for line in 0..<8 { workspace[8 * line + column] = value }
            }
        } else {
            for column in 0..<8 {
                if columnsWithAC[column] == 0 {
                    // The full pass on a column of zero AC terms: its DC times 4, saturated.
                    let value = saturated(input(column) << 2)
                    for line in 0..<8 { workspace[8 * line + column] = value }
                    continue
                }
                let o = oneDimensional(input(column), input(8 + column), input(16 + column), input(24 + column),
                                       input(32 + column), input(40 + column), input(48 + column), input(56 + column))
                @inline(__always) func store(_ line: Int, _ value: Int32) {
                    workspace[8 * line + column] = saturated((value &+ (1 << 10)) >> 11)
                }
                store(0, o.0); store(1, o.1); store(2, o.2); store(3, o.3)
                store(4, o.4); store(5, o.5); store(6, o.6); store(7, o.7)
            }
        }
        // Pass 2: rows, removing pass 1's 2 bits and the 3 bits of the two passes' scaling.
        for line in 0..<8 {
            let w = workspace + 8 * line
            let out = output + line * stride
            let values = UnsafeRawPointer(w).loadUnaligned(as: SIMD8<Int32>.self)
            if values & SIMD8(0, -1, -1, -1, -1, -1, -1, -1) == .zero {
                // The full pass on a row of zero AC terms, in closed form.
                let sample = Self.sample((w[0] + 16) >> 5)
                UnsafeMutableRawPointer(out).storeBytes(of: SIMD8<UInt8>(repeating: sample), as: SIMD8<UInt8>.self)
                continue
            }
            let o = oneDimensional(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
            @inline(__always) func sample(_ value: Int32) -> UInt8 {
                Self.sample((value &+ (1 << 17)) >> 18)
            }
            out[0] = sample(o.0); out[1] = sample(o.1); out[2] = sample(o.2); out[3] = sample(o.3)
            out[4] = sample(o.4); out[5] = sample(o.5); out[6] = sample(o.6); out[7] = sample(o.7)
        }
    }

    /// A 32-bit value saturated to 16 bits.
    @inline(__always)
    private static func saturated(_ value: Int32) -> Int32 {
        min(max(value, -32768), 32767)
    }

    /// A final result (centred on 0) as a sample: clamped to -128...127, plus 128.
    @inline(__always)
    private static func sample(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, -128), 127) + 128)
    }

    /// The SIMD code's 1-D IDCT of 8 inputs (16-bit values), scaled by 2^13 (CONST_BITS) and
    /// by sqrt(8); constants are FIX(x) = round(x * 2^13). The sums of two inputs are kept
    /// in 16 bits, the rest in 32 (both wrapping).
    @inline(__always)
    private static func oneDimensional(_ x0: Int32, _ x1: Int32, _ x2: Int32, _ x3: Int32, _ x4: Int32, _ x5: Int32,
                                       _ x6: Int32, _ x7: Int32) -> (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) {
        @inline(__always) func sum16(_ a: Int32, _ b: Int32) -> Int32 { Int32(Int16(truncatingIfNeeded: a &+ b)) }
        // Even part: the rotation by sqrt(2) c6.
        let even3 = x2 &* (4433 + 6270) &+ x6 &* 4433       // FIX(0.541196100), FIX(0.765366865)
        let even2 = x2 &* 4433 &+ x6 &* (4433 - 15137)      // FIX(1.847759065)
        let even0 = sum16(x0, x4) << 13
        let even1 = sum16(x0, -x4) << 13
        let tmp10 = even0 &+ even3
        let tmp13 = even0 &- even3
        let tmp11 = even1 &+ even2
        let tmp12 = even1 &- even2
        // Odd part.
        let z3 = sum16(x7, x3)
        let z4 = sum16(x5, x1)
        let p3 = z3 &* (9633 - 16069) &+ z4 &* 9633          // FIX(1.175875602), FIX(1.961570560)
        let p4 = z3 &* 9633 &+ z4 &* (9633 - 3196)           // FIX(0.390180644)
        let tmp0 = x7 &* (2446 - 7373) &+ x1 &* -7373 &+ p3  // FIX(0.298631336), FIX(0.899976223)
        let tmp1 = x5 &* (16819 - 20995) &+ x3 &* -20995 &+ p4  // FIX(2.053119869), FIX(2.562915447)
        let tmp2 = x5 &* -20995 &+ x3 &* (25172 - 20995) &+ p3  // FIX(3.072711026)
        let tmp3 = x7 &* -7373 &+ x1 &* (12299 - 7373) &+ p4    // FIX(1.501321110)
        return (tmp10 &+ tmp3, tmp11 &+ tmp2, tmp12 &+ tmp1, tmp13 &+ tmp0,
                tmp13 &- tmp0, tmp12 &- tmp1, tmp11 &- tmp2, tmp10 &- tmp3)
    }
}
