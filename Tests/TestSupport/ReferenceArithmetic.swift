/// The Spec's arithmetic of a matrix product written as plainly as possible, for tests to
/// compare the blocked, threaded kernels against (Spec/architecture.md section 2.1).
public enum ReferenceArithmetic {
    /// `Σ a(k) · b(k)` for `k` in `0 ..< count`, in order from +0: each product rounded, then
    /// each addition (one fused multiply-add per step in a build with
    /// `-DSEMHITOK_FUSED_MULTIPLY_ADD`, as the kernels do there).
    @inline(__always)
    public static func productSum(count: Int, _ a: (Int) -> Float, _ b: (Int) -> Float) -> Float {
        var sum: Float = 0
        for k in 0..<count {
            #if SEMHITOK_FUSED_MULTIPLY_ADD
            sum.addProduct(a(k), b(k))
            #else
            sum = sum + a(k) * b(k)
            #endif
        }
        return sum
    }
}
