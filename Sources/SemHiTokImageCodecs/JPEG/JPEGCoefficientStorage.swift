/// The quantized DCT coefficients of one component, all its blocks (Spec/jpeg.md section
/// 4): `blockRows` rows of `blocksPerLine` blocks, each 64 `Int16` in row-major order
/// within the block, zero until a scan writes them. Scans fill it; the inverse DCT reads it.
final class JPEGCoefficientStorage {
    /// `blockCount * 64` coefficients.
    let coefficients: UnsafeMutablePointer<Int16>
    /// Blocks per row of the storage.
    let blocksPerLine: Int
    /// Rows of blocks.
    let blockRows: Int
    /// The dequantization multipliers (row-major within the block), copied from the
    /// quantization table slot when the component first appears in a scan, as libjpeg
    /// latches them; nil until then.
    var quantization: [Int32]?
    /// For zigzag coefficients 0...9: the successive-approximation bit position (Al) of the
    /// last progressive scan that coded it, -1 when none did. Block smoothing reads it.
    var lastApproximation = [Int](repeating: -1, count: 10)

    /// Zeroed storage for `blockRows` x `blocksPerLine` blocks.
    init(blocksPerLine: Int, blockRows: Int) {
        self.blocksPerLine = blocksPerLine
        self.blockRows = blockRows
        let count = blocksPerLine * blockRows * 64
        coefficients = .allocate(capacity: count)
        coefficients.initialize(repeating: 0, count: count)
    }

    deinit { coefficients.deallocate() }

    /// The first coefficient of the block in block row `row`, column `column`.
    @inline(__always)
    func block(row: Int, column: Int) -> UnsafeMutablePointer<Int16> {
        coefficients + (row * blocksPerLine + column) * 64
    }
}
