/// Matrix products with the weights of a linear layer: `y[n, o] = (Σ_k x[n, k] W[o, k]) + b[o]`,
/// the sum over `k` taken in order from +0 and the bias added last, so every output
/// element is the same for any batch, blocking or thread count (Spec/architecture.md
/// section 2).
///
/// The product is cache-blocked (`GemmBlocks`) around a register kernel (`GemmKernel`) and
/// split over `ComputeThreads.count` threads by rows, or by outputs when there are too few
/// rows, never along `k`: each output element is computed whole by one thread.
public enum Gemm {
    /// Products with fewer multiply-adds than this run on the calling thread: below it,
    /// waking the workers costs more than they save.
    static let threadedWork = 1 << 21

    /// `x Wᵀ + b` for `x [rows, inputs]`; the result is `[rows, outputs]`.
    public static func linear(_ x: Matrix, _ layer: LinearWeights) -> Matrix {
        linear(x, layer, threads: ComputeThreads.count)
    }

    /// `residual + (x Wᵀ + b)`, a residual connection, with the addition done as each output
    /// is finished; `residual` is `[rows, outputs]`.
    public static func linear(_ x: Matrix, _ layer: LinearWeights, adding residual: Matrix) -> Matrix {
        precondition(residual.rows == x.rows && residual.columns == layer.outputs, "Gemm.linear: residual of the wrong shape")
        return residual.values.withUnsafeBufferPointer { residual in
            linear(x, layer, threads: ComputeThreads.count, epilogue: residual.baseAddress.map { .adding($0) } ?? .none)
        }
    }

    /// `activation(x Wᵀ + b)`, the activation applied as each output is finished.
    public static func linear(_ x: Matrix, _ layer: LinearWeights, then activation: Activation) -> Matrix {
        linear(x, layer, threads: ComputeThreads.count, epilogue: .activation(activation))
    }

    /// `linear(_:_:)` on at most `threads` threads (tests compare thread counts), each
    /// output finished by `epilogue`.
    static func linear(_ x: Matrix, _ layer: LinearWeights, threads: Int, epilogue: GemmEpilogue = .none) -> Matrix {
        precondition(x.columns == layer.inputs, "Gemm.linear: \(x.columns) columns for \(layer.inputs) inputs")
        let (rows, outputs) = (x.rows, layer.outputs)
        guard rows > 0, outputs > 0 else { return Matrix(rows: rows, columns: outputs) }
        let values = [Float](unsafeUninitializedCapacity: rows * outputs) { result, count in
            x.values.withUnsafeBufferPointer { input in
                layer.bias.withUnsafeBufferPointer { bias in
                    // `layer` owns the panels the problem points into.
                    withExtendedLifetime(layer) {
                        multiply(GemmProblem(x: input.baseAddress!, rows: rows, inputs: layer.inputs,
                                             panels: layer.packed.panels, outputs: outputs, bias: bias.baseAddress!,
                                             y: result.baseAddress!, epilogue: epilogue),
                                 threads: threads)
                    }
                }
            }
            count = rows * outputs
        }
        return Matrix(rows: rows, columns: outputs, values: values)
    }

    /// Splits `problem` into parts, by rows when there are at least two per thread and
    /// otherwise by tiles of outputs, and computes them on the shared pool.
    private static func multiply(_ problem: GemmProblem, threads: Int) {
        let (rows, tiles) = (problem.rows, problem.tileCount)
        let work = rows * problem.outputs * max(1, problem.inputs)
        let byRows = rows >= 2 * threads || rows >= tiles
        let parts = work < threadedWork ? 1 : min(threads, byRows ? rows : tiles)
        ThreadPool.shared.run(parts: parts) { part, scratch in
            let memory = scratch.floats(GemmBlocks.scratchFloats(inputs: problem.inputs))
            if byRows {
                GemmBlocks.compute(problem, rows: (rows * part / parts)..<(rows * (part + 1) / parts), tiles: 0..<tiles,
                                   scratch: memory)
            } else {
                GemmBlocks.compute(problem, rows: 0..<rows, tiles: (tiles * part / parts)..<(tiles * (part + 1) / parts),
                                   scratch: memory)
            }
        }
    }
}
