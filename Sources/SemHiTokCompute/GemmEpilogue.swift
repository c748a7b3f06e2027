/// Work `Gemm` does on each output as soon as its sum and bias are complete, while the
/// tile is still in L1, instead of in a separate pass over the whole result
/// (Spec/architecture.md section 2.1: every step is the same operation on the same value,
/// so the result is bit for bit that of the separate pass).
enum GemmEpilogue {
    /// The outputs as they are.
    case none
    /// `y + r` element by element, for a residual connection: `r` is `[rows, outputs]` like `y`.
    case adding(UnsafePointer<Float>)
    /// An element-wise function of each output.
    case activation(Activation)

    /// Applies the epilogue to `count` consecutive outputs at `values`, which stand at
    /// element `offset` of `y`. `values` may be read and written in whole groups of 16 up to
    /// `count` rounded up (a kernel tile).
    @inline(__always)
    func apply(to values: UnsafeMutablePointer<Float>, count: Int, at offset: Int) {
        switch self {
        case .none:
            break
        case .adding(let residual):
            let residual = residual + offset
            for index in 0..<count { values[index] = values[index] + residual[index] }
        case .activation(let activation):
            for start in stride(from: 0, to: count, by: 16) {
                let pointer = UnsafeMutableRawPointer(values + start)
                pointer.storeBytes(of: activation(pointer.loadUnaligned(as: SIMD16<Float>.self)), as: SIMD16<Float>.self)
            }
        }
    }
}
