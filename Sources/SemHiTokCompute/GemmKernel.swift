import CVectorRegisters

/// The register block of `Gemm`: `rows` output rows by `panels` `PanelMatrix` panels of
/// 16 outputs, accumulated over one block of `k` (Spec/architecture.md section 2).
///
/// Every output element is its own accumulator, updated as `acc + x[k] * w[k]` for `k` in
/// order with the multiply and the add rounded separately (Spec/quantization.md section 1);
/// a block resumes from the partial sums it stored for the previous block of `k`, so the
/// sum is the same as one uninterrupted loop over `k`, whatever the blocking or threading.
///
/// Why one row by 64 outputs: with multiply and add kept separate, every `k` costs a
/// multiply and an add per vector register of lanes plus one broadcast of `x[k]` per row,
/// and those instructions, not the arithmetic units, are the limit. As many accumulators
/// per broadcast as fit in the vector registers beside the broadcast and a product is the
/// best ratio, and with one row each weight vector is used once per `k`, so its load folds
/// into the multiply. 64 outputs are 8 registers with AVX (16 of 32 bytes), 4 with AVX-512
/// and 16 of ARM64's 32; in a default x86-64 build (SSE2: 16 registers of 16 bytes) they
/// would be all 16 and the loop would spill, so there the block is 1 row by 32 outputs
/// (8 registers; `CVectorRegisters` tells which at compile time). 64 outputs are also a
/// ViT head's size and divide every ViT width but 4304. With AVX-512's 32 registers of 64
/// bytes, one row's four accumulators are too few: each add waits four cycles for its
/// accumulator's previous add, so four chains keep only half of the two vector pipes busy.
/// There the block is 4 rows by 64 outputs, 16 accumulators beside the 4 weight vectors
/// they share. The shapes measured against each other are in Benchmarks/README.md
/// ("Register blocks", "GEMM on AVX-512").
///
/// Opt-in: built with `-Xswiftc -DSEMHITOK_FUSED_MULTIPLY_ADD` (and a `-target-cpu` with
/// FMA; without one each fused operation is a slow library call), each step is one fused
/// multiply-add `fma(x[k], w[k], acc)`, rounded once, and the block is 6 rows by 16
/// outputs: one fused instruction per 8 lanes leaves the loads as the limit, and six rows
/// share each weight vector. The results are still the same for any blocking, thread count
/// or batch, but they differ in the last bits from a default build's, so such a build is
/// no longer bit-identical to other machines' (the golden model cases, checked within a
/// tolerance, still pass). Only matrix products change: the quantizers' arithmetic is
/// normative and stays unfused (Spec/quantization.md).
enum GemmKernel {
    typealias Lanes = SIMD16<Float>

    /// Panels of a tile, the unit in which `Gemm` shares outputs among threads, and the
    /// outputs it holds. Weights are packed into a whole number of tiles.
    static let panels = 4
    static let lanes = panels * PanelMatrix.laneCount

    #if SEMHITOK_FUSED_MULTIPLY_ADD
    /// Rows and panels of one register block.
    static let blockRows = 6
    static let blockPanels = 1
    #else
    /// Vector registers one 16-lane vector takes: 1 with AVX-512, 2 with AVX, 4 with SSE2 or NEON.
    private static let registersPerVector = 64 / Int(SEMHITOK_VECTOR_REGISTER_BYTES)
    /// Four rows where their 16 accumulators, the four weight vectors they share and a
    /// broadcast and a product fit the registers (AVX-512's 32); else one row, whose weight
    /// loads fold into the multiplies.
    static let blockRows = (16 + 4) * registersPerVector + 2 <= Int(SEMHITOK_VECTOR_REGISTER_COUNT) ? 4 : 1
    /// Four panels where their 16-lane accumulators (4 x 64 bytes) leave two vector
    /// registers free (for the broadcast and a product), else two.
    static let blockPanels = 4 * registersPerVector + 2 <= Int(SEMHITOK_VECTOR_REGISTER_COUNT) ? 4 : 2
    #endif
    /// Outputs of one register block.
    static let blockLanes = blockPanels * PanelMatrix.laneCount

    /// Accumulates one register block over `depth` values of `k`.
    ///
    /// - `a`: the block's first row of `depth` inputs; the others follow `aStride` floats apart.
    /// - `panel`: the block's first panel at its first `k`; the others follow `panelStride`
    ///   vectors apart.
    /// - `c`: the block's first row of `blockLanes` outputs, the others `cStride` floats
    ///   apart; read first when `resume` (the sums of the previous blocks of `k`),
    ///   overwritten on return.
    /// - `bias`: when given (the last block of `k`), `blockPanels` vectors added to the sums
    ///   before they are stored.
    // Kept out of line: the loop vectorises reliably only as a function of its own
    // (Benchmarks/README.md).
    @inline(never)
    static func accumulate(depth: Int, a: UnsafePointer<Float>, aStride: Int, panel: UnsafePointer<Lanes>,
                           panelStride: Int, c: UnsafeMutablePointer<Float>, cStride: Int, resume: Bool,
                           bias: UnsafePointer<Lanes>?) {
        #if SEMHITOK_FUSED_MULTIPLY_ADD
        var (s0, s1, s2, s3, s4, s5) = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
        if resume {
            (s0, s1, s2) = (load(c), load(c + cStride), load(c + 2 * cStride))
            (s3, s4, s5) = (load(c + 3 * cStride), load(c + 4 * cStride), load(c + 5 * cStride))
        }
        let (a0, a1, a2, a3, a4, a5) = (a, a + aStride, a + 2 * aStride, a + 3 * aStride, a + 4 * aStride, a + 5 * aStride)
        for k in 0..<depth {
            let w = panel[k]
            s0.addProduct(Lanes(repeating: a0[k]), w)
            s1.addProduct(Lanes(repeating: a1[k]), w)
            s2.addProduct(Lanes(repeating: a2[k]), w)
            s3.addProduct(Lanes(repeating: a3[k]), w)
            s4.addProduct(Lanes(repeating: a4[k]), w)
            s5.addProduct(Lanes(repeating: a5[k]), w)
        }
        if let bias {
            let b = bias[0]
            (s0, s1, s2, s3, s4, s5) = (s0 + b, s1 + b, s2 + b, s3 + b, s4 + b, s5 + b)
        }
        store(s0, c); store(s1, c + cStride); store(s2, c + 2 * cStride)
        store(s3, c + 3 * cStride); store(s4, c + 4 * cStride); store(s5, c + 5 * cStride)
        #else
        if blockRows == 4 {
            accumulateFourRows(depth: depth, a: a, aStride: aStride, panel: panel, panelStride: panelStride, c: c,
                               cStride: cStride, resume: resume, bias: bias)
        } else if blockPanels == 4 {
            var (s0, s1, s2, s3) = (Lanes(), Lanes(), Lanes(), Lanes())
            if resume { (s0, s1, s2, s3) = (load(c), load(c + 16), load(c + 32), load(c + 48)) }
            let (p0, p1, p2, p3) = (panel, panel + panelStride, panel + 2 * panelStride, panel + 3 * panelStride)
            for k in 0..<depth {
                let x = Lanes(repeating: a[k])
                s0 = s0 + x * p0[k]
                s1 = s1 + x * p1[k]
                s2 = s2 + x * p2[k]
                s3 = s3 + x * p3[k]
            }
            if let bias { (s0, s1, s2, s3) = (s0 + bias[0], s1 + bias[1], s2 + bias[2], s3 + bias[3]) }
            store(s0, c); store(s1, c + 16); store(s2, c + 32); store(s3, c + 48)
        } else {
            var (s0, s1) = (Lanes(), Lanes())
            if resume { (s0, s1) = (load(c), load(c + 16)) }
            let (p0, p1) = (panel, panel + panelStride)
            for k in 0..<depth {
                let x = Lanes(repeating: a[k])
                s0 = s0 + x * p0[k]
                s1 = s1 + x * p1[k]
            }
            if let bias { (s0, s1) = (s0 + bias[0], s1 + bias[1]) }
            store(s0, c); store(s1, c + 16)
        }
        #endif
    }

    /// The block of 4 rows by 4 panels: 16 accumulators, so that the adds' latency never
    /// stalls the two vector pipes (each add waits for its accumulator's previous one), and
    /// each weight vector loaded once per `k` serves four rows.
    @inline(__always)
    private static func accumulateFourRows(depth: Int, a: UnsafePointer<Float>, aStride: Int, panel: UnsafePointer<Lanes>,
                                           panelStride: Int, c: UnsafeMutablePointer<Float>, cStride: Int, resume: Bool,
                                           bias: UnsafePointer<Lanes>?) {
        let (c0, c1, c2, c3) = (c, c + cStride, c + 2 * cStride, c + 3 * cStride)
        var (s00, s01, s02, s03) = (Lanes(), Lanes(), Lanes(), Lanes())
        var (s10, s11, s12, s13) = (Lanes(), Lanes(), Lanes(), Lanes())
        var (s20, s21, s22, s23) = (Lanes(), Lanes(), Lanes(), Lanes())
        var (s30, s31, s32, s33) = (Lanes(), Lanes(), Lanes(), Lanes())
        if resume {
            (s00, s01, s02, s03) = (load(c0), load(c0 + 16), load(c0 + 32), load(c0 + 48))
            (s10, s11, s12, s13) = (load(c1), load(c1 + 16), load(c1 + 32), load(c1 + 48))
            (s20, s21, s22, s23) = (load(c2), load(c2 + 16), load(c2 + 32), load(c2 + 48))
            (s30, s31, s32, s33) = (load(c3), load(c3 + 16), load(c3 + 32), load(c3 + 48))
        }
        let (a0, a1, a2, a3) = (a, a + aStride, a + 2 * aStride, a + 3 * aStride)
        let (p0, p1, p2, p3) = (panel, panel + panelStride, panel + 2 * panelStride, panel + 3 * panelStride)
        for k in 0..<depth {
            let (w0, w1, w2, w3) = (p0[k], p1[k], p2[k], p3[k])
            let x0 = Lanes(repeating: a0[k])
            s00 = s00 + x0 * w0; s01 = s01 + x0 * w1; s02 = s02 + x0 * w2; s03 = s03 + x0 * w3
            let x1 = Lanes(repeating: a1[k])
            s10 = s10 + x1 * w0; s11 = s11 + x1 * w1; s12 = s12 + x1 * w2; s13 = s13 + x1 * w3
            let x2 = Lanes(repeating: a2[k])
            s20 = s20 + x2 * w0; s21 = s21 + x2 * w1; s22 = s22 + x2 * w2; s23 = s23 + x2 * w3
            let x3 = Lanes(repeating: a3[k])
            s30 = s30 + x3 * w0; s31 = s31 + x3 * w1; s32 = s32 + x3 * w2; s33 = s33 + x3 * w3
        }
        if let bias {
            let (b0, b1, b2, b3) = (bias[0], bias[1], bias[2], bias[3])
            (s00, s01, s02, s03) = (s00 + b0, s01 + b1, s02 + b2, s03 + b3)
            (s10, s11, s12, s13) = (s10 + b0, s11 + b1, s12 + b2, s13 + b3)
            (s20, s21, s22, s23) = (s20 + b0, s21 + b1, s22 + b2, s23 + b3)
            (s30, s31, s32, s33) = (s30 + b0, s31 + b1, s32 + b2, s33 + b3)
        }
        store(s00, c0); store(s01, c0 + 16); store(s02, c0 + 32); store(s03, c0 + 48)
        store(s10, c1); store(s11, c1 + 16); store(s12, c1 + 32); store(s13, c1 + 48)
        store(s20, c2); store(s21, c2 + 16); store(s22, c2 + 32); store(s23, c2 + 48)
        store(s30, c3); store(s31, c3 + 16); store(s32, c3 + 32); store(s33, c3 + 48)
    }

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
