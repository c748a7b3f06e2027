/// Pillow's `Image.alpha_composite` of a pixel over opaque white, one 8-bit channel at a
/// time, in its exact integer arithmetic (Spec/png.md section 6.3).
enum AlphaComposite {
    /// The channel value `value` with alpha `alpha` composited over white (255, alpha 255).
    ///
    /// Pillow computes, for a source pixel over a destination pixel,
    /// `blend = dstA (255 - a)`, `outA255 = 255 a + blend`,
    /// `coef1 = a * 255 * 255 * 128 / outA255` (integer division),
    /// `coef2 = 255 * 128 - coef1`, `t = value coef1 + dst coef2 + 128 * 128`, and the result
    /// `((t >> 8) + t) >> 8 >> 7`. Over opaque white `outA255` is 65025 for every `a`, so
    /// `coef1 = 128 a` exactly and `t = 128 (value a + 255 (255 - a) + 128)`. (Pillow copies
    /// the destination when `a` is 0; the formula gives 255 then as well.)
    @inline(__always)
    static func overWhite(_ value: UInt8, alpha: UInt8) -> UInt8 {
        let a = UInt32(alpha)
        let t = 128 * (UInt32(value) * a + 255 * (255 - a) + 128)
        return UInt8(truncatingIfNeeded: (((t >> 8) + t) >> 8) >> 7)
    }
}
