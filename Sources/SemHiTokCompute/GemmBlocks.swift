/// The operands of one `Gemm` product as raw pointers, shared by the threads that compute
/// its parts.
///
/// `@unchecked Sendable`: `x`, `panels` and `bias` are only read; each part writes its own
/// rectangle of `y`, disjoint from every other part's; and the caller keeps all four alive
/// until every part has returned.
struct GemmProblem: @unchecked Sendable {
    typealias Lanes = SIMD16<Float>

    /// `[rows, inputs]`, row-major.
    let x: UnsafePointer<Float>
    let rows: Int
    let inputs: Int
    /// The weights as a `PanelMatrix` of one group: panels of `inputs` vectors, a whole
    /// number of tiles (`GemmKernel.panels`).
    let panels: UnsafePointer<Lanes>
    let outputs: Int
    /// One vector per panel, zero past `outputs`.
    let bias: UnsafePointer<Lanes>
    /// `[rows, outputs]`, row-major; written, never read before it is written.
    let y: UnsafeMutablePointer<Float>
    /// Applied to each output once its sum and bias are complete.
    var epilogue: GemmEpilogue = .none

    /// Tiles of `GemmKernel.lanes` outputs.
    var tileCount: Int { (outputs + GemmKernel.lanes - 1) / GemmKernel.lanes }
}

/// The cache blocking of `Gemm` (the GotoBLAS/BLIS loop nest around `GemmKernel`): a block
/// of rows is packed once, block of `k` after block of `k`; then for each block of tiles,
/// every block of `k` in turn, every tile runs over that block's packed rows. One block's
/// packed rows and the tiles' partial sums stay in L2 across the blocks of `k`, and a
/// tile's weight panels for one block of `k` stay in L1 while every row passes over them.
/// The weights were packed at load.
enum GemmBlocks {
    // Measured on the benchmark machine (Benchmarks/README.md); neighbouring values (k
    // blocks of 80 to 128 for the 1 x 64 kernel and 192 to 384 for the fused one, row
    // blocks of 64 to 256, tile blocks of 4 to 16) are within 3%.
    #if SEMHITOK_FUSED_MULTIPLY_ADD
    /// Values of `k` per block: the register block's one panel, 256 x 64 bytes = 16 KB of
    /// weights, stays in L1 while every row passes over it. Each block of `k` ends with the
    /// partial sums stored and begins with them reloaded; over 96 values of `k` that cost
    /// the fused kernel 6 to 8%.
    static let kBlock = 256
    #else
    /// Values of `k` per block, so that a register block's operands for it stay within a
    /// 32 KB L1: for one row, its panels, 4 x 96 or 2 x 192 vectors of 64 bytes (24 KB); for
    /// sixteen rows, one panel of 256 vectors and the rows' 16 x 256 inputs (16 + 16 KB).
    static let kBlock = GemmKernel.blockRows == 16 ? 256 : 384 / GemmKernel.blockPanels
    #endif
    /// The most rows per block: 144 rows of one block of `kBlock` packed inputs, 55 to 147
    /// KB, beside the partial sums in L2 (a multiple of every kernel's `blockRows`).
    static let rowBlock = 144
    /// Tiles per block: the partial sums of 144 rows x 512 outputs, 288 KB, within L2 with
    /// the packed rows beside them. Without this block, a product with thousands of outputs
    /// reloads every partial sum from L3 for each block of `k`, 15% slower.
    static let tileBlock = 8

    /// The blocks of `k` of a product with `inputs` values of it: as many blocks of at most
    /// `kBlock` as needed, of equal depth but the last.
    static func kBlocking(inputs: Int) -> (count: Int, depth: Int) {
        let count = max(1, (inputs + kBlock - 1) / kBlock)
        return (count, (inputs + count - 1) / count)
    }

    /// Floats of scratch memory `compute` needs for a product with `inputs` values of `k`:
    /// a block of rows packed for every block of `k`, and one register block for the edges.
    static func scratchFloats(inputs: Int) -> Int {
        let blocking = kBlocking(inputs: inputs)
        return rowBlock * blocking.count * blocking.depth + GemmKernel.blockRows * GemmKernel.blockLanes
    }

    /// Computes rows `rows` and tiles `tiles` of `problem.y`, all of `k`, the bias added last.
    /// `scratch` holds `scratchFloats(inputs: problem.inputs)` floats.
    @inline(never)
    static func compute(_ problem: GemmProblem, rows: Range<Int>, tiles: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        let (inputs, outputs) = (problem.inputs, problem.outputs)
        let (blockRows, blockLanes) = (GemmKernel.blockRows, GemmKernel.blockLanes)
        let (kBlocks, depthPerBlock) = kBlocking(inputs: inputs)
        /// The first column and the depth of block `block` of `k`, and where its packed rows are.
        func columns(ofBlock block: Int) -> (first: Int, depth: Int, packed: UnsafeMutablePointer<Float>) {
            let first = block * depthPerBlock
            return (first, max(0, min(depthPerBlock, inputs - first)), scratch + block * rowBlock * depthPerBlock)
        }
        let edge = scratch + rowBlock * kBlocks * depthPerBlock
        // Blocks of equal height, at most `rowBlock`: 160 rows as 144 and 16 would stream every
        // weight through the cache for the last 16 rows alone.
        let rowBlockCount = max(1, (rows.count + rowBlock - 1) / rowBlock)
        let evenShare = (rows.count + rowBlockCount - 1) / rowBlockCount
        let rowsPerBlock = max(blockRows, (evenShare + blockRows - 1) / blockRows * blockRows)
        for firstRow in stride(from: rows.lowerBound, to: rows.upperBound, by: rowsPerBlock) {
            let rowCount = min(rowsPerBlock, rows.upperBound - firstRow)
            let paddedRows = (rowCount + blockRows - 1) / blockRows * blockRows
            // Packed once for every block of tiles: a product with thousands of outputs
            // would otherwise copy its rows again for each.
            for block in 0..<kBlocks {
                let (firstColumn, depth, packed) = columns(ofBlock: block)
                GemmPacking.packRows(problem.x, rowStride: inputs, firstRow: firstRow, rowCount: rowCount,
                                     firstColumn: firstColumn, depth: depth, blockRows: blockRows, into: packed)
            }
            for firstTile in stride(from: tiles.lowerBound, to: tiles.upperBound, by: tileBlock) {
                for block in 0..<kBlocks {
                    let (firstColumn, depth, packed) = columns(ofBlock: block)
                    let resume = block > 0
                    let last = block == kBlocks - 1
                    let firstPanels = stride(from: firstTile * GemmKernel.panels,
                                             to: min(firstTile + tileBlock, tiles.upperBound) * GemmKernel.panels,
                                             by: GemmKernel.blockPanels)
                    for firstPanel in firstPanels {
                        let firstOutput = firstPanel * PanelMatrix.laneCount
                        let lanes = min(blockLanes, outputs - firstOutput)
                        guard lanes > 0 else { break }
                        let panel = problem.panels + firstPanel * inputs + firstColumn
                        let bias = last ? problem.bias + firstPanel : nil
                        for blockRow in stride(from: 0, to: paddedRows, by: blockRows) {
                            let realRows = min(blockRows, rowCount - blockRow)
                            let c = problem.y + (firstRow + blockRow) * outputs + firstOutput
                            // The kernel reads and writes whole register blocks; one that
                            // crosses the last row or output goes through `edge`, so that
                            // nothing outside the result is touched.
                            let whole = realRows == blockRows && lanes == blockLanes
                            let (target, stride) = whole ? (c, outputs) : (edge, blockLanes)
                            if resume && !whole {
                                for row in 0..<realRows { (edge + row * blockLanes).update(from: c + row * outputs, count: lanes) }
                            }
                            GemmKernel.accumulate(depth: depth, a: packed + blockRow * depth, panel: panel, panelStride: inputs,
                                                  c: target, cStride: stride, resume: resume, bias: bias)
                            for row in 0..<realRows {
                                if last {
                                    problem.epilogue.apply(to: target + row * stride, count: lanes, at: c - problem.y + row * outputs)
                                }
                                if !whole { (c + row * outputs).update(from: edge + row * blockLanes, count: lanes) }
                            }
                        }
                    }
                }
            }
        }
    }
}
