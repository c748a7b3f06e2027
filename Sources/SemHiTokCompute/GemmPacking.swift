/// The packed copy of the input rows that `GemmKernel` reads: one block of `k` of a block
/// of rows, row after row, contiguous. In `x` the rows' pieces lie a whole row apart (4 KB
/// for 1024 inputs), where they can crowd into a few cache sets and evict each other;
/// packed, the block is one stream that the rows of every tile reread from L2.
enum GemmPacking {
    /// Copies rows `firstRow ..< firstRow + rowCount` of `x` (`rowStride` floats per row),
    /// columns `firstColumn ..< firstColumn + depth`, to `destination`, `depth` floats per row.
    @inline(never)
    static func packRows(_ x: UnsafePointer<Float>, rowStride: Int, firstRow: Int, rowCount: Int, firstColumn: Int,
                         depth: Int, into destination: UnsafeMutablePointer<Float>) {
        for row in 0..<rowCount {
            (destination + row * depth).update(from: x + (firstRow + row) * rowStride + firstColumn, count: depth)
        }
    }
}
