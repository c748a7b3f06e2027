/// The packed copy of the input rows that `GemmKernel` reads: one block of `k` of a block
/// of rows, register block after register block of `GemmKernel.blockRows` rows, each with
/// its rows' values interleaved, all of them for one `k`, then all for the next. In `x` the
/// rows' pieces lie a whole row apart (4 KB for 1024 inputs), where they can crowd into a
/// few cache sets and evict each other; packed, the block is one stream that the rows of
/// every tile reread from L2, and the values the kernel takes for one `k` lie together.
enum GemmPacking {
    /// Copies rows `firstRow ..< firstRow + rowCount` of `x` (`rowStride` floats per row),
    /// columns `firstColumn ..< firstColumn + depth`, to `destination`: for register block
    /// `b` and its row `r`, column `firstColumn + k` goes to
    /// `destination[(b * depth + k) * blockRows + r]`. The last register block's rows past
    /// `rowCount` are zeros (their sums are dropped).
    @inline(never)
    static func packRows(_ x: UnsafePointer<Float>, rowStride: Int, firstRow: Int, rowCount: Int, firstColumn: Int,
                         depth: Int, blockRows: Int, into destination: UnsafeMutablePointer<Float>) {
        if blockRows == 1 {
            for row in 0..<rowCount {
                (destination + row * depth).update(from: x + (firstRow + row) * rowStride + firstColumn, count: depth)
            }
            return
        }
        for firstBlockRow in stride(from: 0, to: rowCount, by: blockRows) {
            let block = destination + firstBlockRow * depth
            for row in 0..<blockRows {
                if firstBlockRow + row < rowCount {
                    interleave(x + (firstRow + firstBlockRow + row) * rowStride + firstColumn, count: depth,
                               into: block + row, stride: blockRows)
                } else {
                    for k in 0..<depth { block[k * blockRows + row] = 0 }
                }
            }
        }
    }

    /// `destination[k * stride] = source[k]` for `k < count`.
    // Compiled for size: for AVX-512, LLVM turns the strided stores into scatters, several
    // times slower than these scalar ones.
    @_optimize(size)
    private static func interleave(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<Float>,
                                   stride: Int) {
        for k in 0..<count { destination[k * stride] = source[k] }
    }
}
