/// The innermost loops of the cosine codebook search: dot products of
/// one or four rows of `x` with the 16 rows a `PanelMatrix` panel holds, each lane summing
/// `x[k] * row[k]` for `k` in order from +0, multiply and add rounded separately
/// (Spec/quantization.md section 1), so that no build, batch or thread count changes a bit.
package enum PanelKernels {
    package typealias Lanes = SIMD16<Float>

    /// The 16 dot products of `x` (`length` floats) with one panel.
    @inline(__always)
    package static func dot1(_ x: UnsafePointer<Float>, _ panel: UnsafePointer<Lanes>, length: Int) -> Lanes {
        var a = Lanes()
        for k in 0..<length {
            a = a + Lanes(repeating: x[k]) * panel[k]
        }
        return a
    }

    /// The 16 dot products of each of four rows of `x` (`stride` floats apart, `length`
    /// used) with one panel; each panel vector is loaded once for the four rows.
    @inline(__always)
    package static func dot4(_ x: UnsafePointer<Float>, stride: Int, _ panel: UnsafePointer<Lanes>, length: Int)
        -> (Lanes, Lanes, Lanes, Lanes)
    {
        var (a0, a1, a2, a3) = (Lanes(), Lanes(), Lanes(), Lanes())
        let (x0, x1, x2, x3) = (x, x + stride, x + 2 * stride, x + 3 * stride)
        for k in 0..<length {
            let e = panel[k]
            a0 = a0 + Lanes(repeating: x0[k]) * e
            a1 = a1 + Lanes(repeating: x1[k]) * e
            a2 = a2 + Lanes(repeating: x2[k]) * e
            a3 = a3 + Lanes(repeating: x3[k]) * e
        }
        return (a0, a1, a2, a3)
    }
}
