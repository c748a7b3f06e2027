/// A matrix of `groupCount * rowsPerGroup` rows of `rowLength` floats, stored transposed in
/// panels of 16 rows: panel `p` of group `g` holds, for each `k`, element `k` of rows
/// `16 p ..< 16 p + 16` of the group as one `SIMD16<Float>`. Lanes past the group's last row
/// are zero.
///
/// This is the layout of the GEMM's weights (one group: the rows are output channels, a
/// lane per output) and of the codebooks (a group per sub-codebook): a kernel broadcasts
/// `x[k]` and accumulates `acc + x[k] * panel[k]` for `k` in order, so each lane performs
/// exactly the sequential sum over `k` of one row (Spec/quantization.md section 6).
/// Packing happens once, when the weights or codebook are loaded.
package final class PanelMatrix: @unchecked Sendable {
    package typealias Lanes = SIMD16<Float>
    package static let laneCount = 16

    let groupCount: Int
    let rowsPerGroup: Int
    let rowLength: Int
    package let panelsPerGroup: Int
    /// `groupCount * panelsPerGroup * rowLength` vectors, 64-byte aligned.
    package let panels: UnsafeMutablePointer<Lanes>

    /// Packs `values`, `groupCount * rowsPerGroup` rows of `rowLength` floats, row-major,
    /// into a whole multiple of `panelMultiple` panels per group (the GEMM reads panels four
    /// at a time; zero panels make its last tile whole).
    ///
    /// Optimized for size because for AVX-512 targets LLVM otherwise turns the strided
    /// stores into scatters, several times slower than plain stores.
    @_optimize(size)
    package init(_ values: UnsafeBufferPointer<Float>, groupCount: Int, rowsPerGroup: Int, rowLength: Int, panelMultiple: Int = 1) {
        precondition(values.count == groupCount * rowsPerGroup * rowLength, "PanelMatrix: wrong number of values")
        self.groupCount = groupCount
        self.rowsPerGroup = rowsPerGroup
        self.rowLength = rowLength
        let panelsNeeded = (rowsPerGroup + Self.laneCount - 1) / Self.laneCount
        panelsPerGroup = (panelsNeeded + panelMultiple - 1) / panelMultiple * panelMultiple
        let vectorCount = groupCount * panelsPerGroup * rowLength
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, vectorCount) * MemoryLayout<Lanes>.stride, alignment: 64)
        let floats = storage.bindMemory(to: Float.self, capacity: vectorCount * Self.laneCount)
        floats.initialize(repeating: 0, count: vectorCount * Self.laneCount)
        for group in 0..<groupCount {
            for row in 0..<rowsPerGroup {
                let (panel, lane) = row.quotientAndRemainder(dividingBy: Self.laneCount)
                let destination = floats + ((group * panelsPerGroup + panel) * rowLength) * Self.laneCount + lane
                let source = values.baseAddress! + (group * rowsPerGroup + row) * rowLength
                for k in 0..<rowLength { destination[k * Self.laneCount] = source[k] }
            }
        }
        panels = storage.bindMemory(to: Lanes.self, capacity: vectorCount)
    }

    deinit {
        panels.deinitialize(count: groupCount * panelsPerGroup * rowLength)
        panels.deallocate()
    }

    /// The first panel of `group`.
    func firstPanel(ofGroup group: Int) -> UnsafeMutablePointer<Lanes> {
        panels + group * panelsPerGroup * rowLength
    }
}
