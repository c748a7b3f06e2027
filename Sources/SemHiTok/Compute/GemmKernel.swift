/// The register block of `Gemm`: one output row by `lanes` consecutive outputs (`panels`
/// `PanelMatrix` panels), accumulated over one block of `k` (Spec/architecture.md section 2).
///
/// Every output element is its own accumulator, updated as `acc + x[k] * w[k]` for `k` in
/// order with the multiply and the add rounded separately (Spec/quantization.md section 1);
/// a tile resumes from the partial sums it stored for the previous block of `k`, so the sum
/// is the same as one uninterrupted loop over `k`, whatever the blocking or threading.
///
/// Why one row by 64 outputs: with multiply and add kept separate, every `k` costs a
/// multiply and an add per 8 lanes (AVX2) plus one broadcast of `x[k]` per row, and on the
/// benchmark machine (Benchmarks/README.md) those instructions, not the arithmetic units,
/// are the limit. Eight accumulators per broadcast (as many as fit in 16 vector registers
/// beside the broadcast and a product) is a good ratio, and with one row each weight
/// vector is used once per `k`, so its load folds into the multiply. Measured on the
/// kernel alone, with `-target-cpu native` and in a default build: 1 x 64 about 28 and 16
/// GFLOP/s, 3 x 32 about 28 and 14, 6 x 16 about 26 and 10. The 64 outputs are also a
/// ViT head's size and divide every ViT width but 4304.
///
/// Opt-in: built with `-Xswiftc -DSEMHITOK_FUSED_MULTIPLY_ADD` (and a `-target-cpu` with
/// FMA; without one each fused operation is a slow library call), each step is one fused
/// multiply-add `fma(x[k], w[k], acc)`, rounded once. The results are still the same for
/// any blocking, thread count or batch, but they differ in the last bits from a default
/// build's, so such a build is no longer bit-identical to other machines' (the golden
/// model cases, checked within a tolerance, still pass). Only matrix products change: the
/// quantizers' arithmetic is normative and stays unfused (Spec/quantization.md).
enum GemmKernel {
    typealias Lanes = SIMD16<Float>

    /// Panels of a tile, and the outputs they hold.
    static let panels = 4
    static let lanes = panels * PanelMatrix.laneCount

    /// Accumulates one tile over `depth` values of `k`.
    ///
    /// - `a`: the row's `depth` inputs.
    /// - `panel`: the tile's first panel at its first `k`; the others follow `panelStride`
    ///   vectors apart.
    /// - `c`: the tile's `lanes` outputs, read first when `resume` (the sums of the previous
    ///   blocks of `k`), overwritten on return.
    /// - `bias`: when given (the last block of `k`), `panels` vectors added to the sums
    ///   before they are stored.
    // Kept out of line: the loop vectorises reliably only as a function of its own
    // (Benchmarks/README.md).
    @inline(never)
    static func accumulate(depth: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Lanes>, panelStride: Int,
                           c: UnsafeMutablePointer<Float>, resume: Bool, bias: UnsafePointer<Lanes>?) {
        var (s0, s1, s2, s3) = (Lanes(), Lanes(), Lanes(), Lanes())
        if resume { (s0, s1, s2, s3) = (load(c), load(c + 16), load(c + 32), load(c + 48)) }
        let (p0, p1, p2, p3) = (panel, panel + panelStride, panel + 2 * panelStride, panel + 3 * panelStride)
        for k in 0..<depth {
            let x = Lanes(repeating: a[k])
            #if SEMHITOK_FUSED_MULTIPLY_ADD
            s0.addProduct(x, p0[k])
            s1.addProduct(x, p1[k])
            s2.addProduct(x, p2[k])
            s3.addProduct(x, p3[k])
            #else
            s0 = s0 + x * p0[k]
            s1 = s1 + x * p1[k]
            s2 = s2 + x * p2[k]
            s3 = s3 + x * p3[k]
            #endif
        }
        if let bias { (s0, s1, s2, s3) = (s0 + bias[0], s1 + bias[1], s2 + bias[2], s3 + bias[3]) }
        store(s0, c); store(s1, c + 16); store(s2, c + 32); store(s3, c + 48)
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
