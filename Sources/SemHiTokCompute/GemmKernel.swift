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
/// into the multiply. 64 outputs are 8 registers with AVX (16 of 32 bytes) and 16 of
/// ARM64's 32; in a default x86-64 build (SSE2: 16 registers of 16 bytes) they would be all
/// 16 and the loop would spill, so there the block is 1 row by 32 outputs (8 registers;
/// `CVectorRegisters` tells which at compile time). 64 outputs are also a ViT head's size
/// and divide every ViT width but 4304.
///
/// With AVX-512 (32 registers of 64 bytes) the block is 16 rows by one panel of 16 outputs:
/// 16 accumulators and one weight vector per `k`. Each row's `x[k]` then feeds a single
/// multiply, so the compiler folds its broadcast into that multiply as a memory operand
/// (`vmulps mem{1to16}`) and no broadcast instruction takes a vector pipe: the loop is
/// multiplies and adds alone, at the machine's peak, where a block that shares each
/// broadcast among several panels stays a fifth below it. For those operands to lie
/// together, `GemmPacking` interleaves each block's rows. The shapes measured against each
/// other are in Benchmarks/README.md ("Register blocks", "GEMM on AVX-512").
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
    /// Sixteen rows where their 16 accumulators, the weight vector and the products fit
    /// the registers with room to spare (AVX-512's 32), else one row.
    static let blockRows = 16 * registersPerVector + 8 <= Int(SEMHITOK_VECTOR_REGISTER_COUNT) ? 16 : 1
    /// One panel beside sixteen rows; else, for one row, four panels where their 16-lane
    /// accumulators (4 x 64 bytes) leave two vector registers free (for the broadcast and
    /// a product), else two.
    static let blockPanels = blockRows == 16 ? 1 : 4 * registersPerVector + 2 <= Int(SEMHITOK_VECTOR_REGISTER_COUNT) ? 4 : 2
    #endif
    /// Outputs of one register block.
    static let blockLanes = blockPanels * PanelMatrix.laneCount

    /// Accumulates one register block over `depth` values of `k`.
    ///
    /// - `a`: the block's rows as `GemmPacking` lays them out, `blockRows` values for each
    ///   `k` in turn: `a[k * blockRows + row]`.
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
    static func accumulate(depth: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Lanes>, panelStride: Int,
                           c: UnsafeMutablePointer<Float>, cStride: Int, resume: Bool, bias: UnsafePointer<Lanes>?) {
        #if SEMHITOK_FUSED_MULTIPLY_ADD
        var (s0, s1, s2, s3, s4, s5) = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
        if resume {
            (s0, s1, s2) = (load(c), load(c + cStride), load(c + 2 * cStride))
            (s3, s4, s5) = (load(c + 3 * cStride), load(c + 4 * cStride), load(c + 5 * cStride))
        }
        for k in 0..<depth {
            let (w, x) = (panel[k], a + 6 * k)
            s0.addProduct(Lanes(repeating: x[0]), w)
            s1.addProduct(Lanes(repeating: x[1]), w)
            s2.addProduct(Lanes(repeating: x[2]), w)
            s3.addProduct(Lanes(repeating: x[3]), w)
            s4.addProduct(Lanes(repeating: x[4]), w)
            s5.addProduct(Lanes(repeating: x[5]), w)
        }
        if let bias {
            let b = bias[0]
            (s0, s1, s2, s3, s4, s5) = (s0 + b, s1 + b, s2 + b, s3 + b, s4 + b, s5 + b)
        }
        store(s0, c); store(s1, c + cStride); store(s2, c + 2 * cStride)
        store(s3, c + 3 * cStride); store(s4, c + 4 * cStride); store(s5, c + 5 * cStride)
        #else
        if blockRows == 16 {
            accumulateSixteenRows(depth: depth, a: a, panel: panel, c: c, cStride: cStride, resume: resume, bias: bias)
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

    /// The block of 16 rows by one panel: each row's `x[k]` is used by one multiply only,
    /// which lets the compiler take it as the multiply's broadcast memory operand.
    @inline(__always)
    private static func accumulateSixteenRows(depth: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Lanes>,
                                              c: UnsafeMutablePointer<Float>, cStride: Int, resume: Bool,
                                              bias: UnsafePointer<Lanes>?) {
        var (s0, s1, s2, s3, s4, s5, s6, s7) = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
        var (s8, s9, s10, s11, s12, s13, s14, s15) = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
        if resume {
            (s0, s1, s2, s3) = (load(c), load(c + cStride), load(c + 2 * cStride), load(c + 3 * cStride))
            (s4, s5, s6, s7) = (load(c + 4 * cStride), load(c + 5 * cStride), load(c + 6 * cStride), load(c + 7 * cStride))
            (s8, s9, s10, s11) = (load(c + 8 * cStride), load(c + 9 * cStride), load(c + 10 * cStride), load(c + 11 * cStride))
            (s12, s13, s14, s15) = (load(c + 12 * cStride), load(c + 13 * cStride), load(c + 14 * cStride), load(c + 15 * cStride))
        }
        for k in 0..<depth {
            let (w, x) = (panel[k], a + 16 * k)
            s0 = s0 + Lanes(repeating: x[0]) * w; s1 = s1 + Lanes(repeating: x[1]) * w
            s2 = s2 + Lanes(repeating: x[2]) * w; s3 = s3 + Lanes(repeating: x[3]) * w
            s4 = s4 + Lanes(repeating: x[4]) * w; s5 = s5 + Lanes(repeating: x[5]) * w
            s6 = s6 + Lanes(repeating: x[6]) * w; s7 = s7 + Lanes(repeating: x[7]) * w
            s8 = s8 + Lanes(repeating: x[8]) * w; s9 = s9 + Lanes(repeating: x[9]) * w
            s10 = s10 + Lanes(repeating: x[10]) * w; s11 = s11 + Lanes(repeating: x[11]) * w
            s12 = s12 + Lanes(repeating: x[12]) * w; s13 = s13 + Lanes(repeating: x[13]) * w
            s14 = s14 + Lanes(repeating: x[14]) * w; s15 = s15 + Lanes(repeating: x[15]) * w
        }
        if let bias {
            let b = bias[0]
            (s0, s1, s2, s3, s4, s5, s6, s7) = (s0 + b, s1 + b, s2 + b, s3 + b, s4 + b, s5 + b, s6 + b, s7 + b)
            (s8, s9, s10, s11, s12, s13, s14, s15) = (s8 + b, s9 + b, s10 + b, s11 + b, s12 + b, s13 + b, s14 + b, s15 + b)
        }
        store(s0, c); store(s1, c + cStride); store(s2, c + 2 * cStride); store(s3, c + 3 * cStride)
        store(s4, c + 4 * cStride); store(s5, c + 5 * cStride); store(s6, c + 6 * cStride); store(s7, c + 7 * cStride)
        store(s8, c + 8 * cStride); store(s9, c + 9 * cStride); store(s10, c + 10 * cStride); store(s11, c + 11 * cStride)
        store(s12, c + 12 * cStride); store(s13, c + 13 * cStride); store(s14, c + 14 * cStride); store(s15, c + 15 * cStride)
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
