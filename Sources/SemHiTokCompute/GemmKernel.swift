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
/// ViT head's size and divide every ViT width but 4304. The shapes measured against each
/// other are in Benchmarks/README.md ("Register blocks").
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
    static let blockRows = 1
    /// Four panels where their four 16-lane accumulators (4 x 64 bytes) leave two vector
    /// registers free (for the broadcast and a product), else two.
    static let blockPanels =
        4 * 64 / Int(SEMHITOK_VECTOR_REGISTER_BYTES) + 2 <= Int(SEMHITOK_VECTOR_REGISTER_COUNT) ? 4 : 2
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
        if blockPanels == 4 {
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

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
