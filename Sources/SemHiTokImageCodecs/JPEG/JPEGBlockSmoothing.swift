/// libjpeg's interblock smoothing of progressive images whose scans leave low-frequency
/// coefficients incomplete (`do_block_smoothing`, on by default; Spec/jpeg.md section 5.3).
///
/// When it applies, each block's first nine AC coefficients that are still zero and not
/// known to full precision are estimated from the DC coefficients of the 5 x 5 blocks
/// around it; when no AC data at all was sent for a component, its DC coefficient is
/// re-estimated too. The estimates change only the copy handed to the inverse DCT.
struct JPEGBlockSmoothing {
    /// Row-major positions of the zigzag coefficients 0...9.
    static let positions = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24]

    /// Whether smoothing applies to the image: a progressive frame, every component's
    /// multipliers at `positions` nonzero and its DC coded, and some component with one of
    /// zigzag coefficients 1...9 not coded to full precision (libjpeg's `smoothing_ok`).
    static func applies(to frame: JPEGFrame, storage: [JPEGCoefficientStorage]) -> Bool {
        guard frame.isProgressive else { return false }
        var useful = false
        for coefficients in storage {
            guard let quantization = coefficients.quantization,
                  positions.allSatisfy({ quantization[$0] != 0 }),
                  coefficients.lastApproximation[0] >= 0 else { return false }
            if coefficients.lastApproximation[1...].contains(where: { $0 != 0 }) { useful = true }
        }
        return useful
    }

    /// The weights of the 25 neighbouring DC coefficients (rows from two above to two below,
    /// columns from two left to two right) for each estimate, scaled so that dividing by
    /// `256 * multiplier` gives the coefficient. `whenACKnown` is for components with some AC
    /// data (T.81 K.8 on a 5 x 5 window); `whenDCOnly` for components without any, which also
    /// re-estimate the DC.
    private struct Kernel {
        let zigzag: Int
        let whenACKnown: [Int]?
        let whenDCOnly: [Int]
    }

    private static let kernels: [Kernel] = [
        Kernel(zigzag: 1,
               whenACKnown: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -7, 50, 0, -50, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
               whenDCOnly: [-1, -1, 0, 1, 1, -3, 13, 0, -13, 3, -3, 38, 0, -38, 3, -3, 13, 0, -13, 3, -1, -1, 0, 1, 1]),
        Kernel(zigzag: 2,
               whenACKnown: [0, 0, -7, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, -50, 0, 0, 0, 0, 7, 0, 0],
               whenDCOnly: [-1, -3, -3, -3, -1, -1, 13, 38, 13, -1, 0, 0, 0, 0, 0, 1, -13, -38, -13, 1, 1, 3, 3, 3, 1]),
        Kernel(zigzag: 3,
               whenACKnown: [0, 0, -1, 0, 0, 0, 0, 13, 0, 0, 0, 0, -24, 0, 0, 0, 0, 13, 0, 0, 0, 0, -1, 0, 0],
               whenDCOnly: [0, 0, 1, 0, 0, 0, 2, 7, 2, 0, 0, -5, -14, -5, 0, 0, 2, 7, 2, 0, 0, 0, 1, 0, 0]),
        Kernel(zigzag: 4,
               whenACKnown: [0, -1, 0, 1, 0, -1, 10, 0, -10, 1, 0, 0, 0, 0, 0, 1, -10, 0, 10, -1, 0, 1, 0, -1, 0],
               whenDCOnly: [-1, 0, 0, 0, 1, 0, 9, 0, -9, 0, 0, 0, 0, 0, 0, 0, -9, 0, 9, 0, 1, 0, 0, 0, -1]),
        Kernel(zigzag: 5,
               whenACKnown: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 13, -24, 13, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
               whenDCOnly: [0, 0, 0, 0, 0, 0, 2, -5, 2, 0, 1, 7, -14, 7, 1, 0, 2, -5, 2, 0, 0, 0, 0, 0, 0]),
        Kernel(zigzag: 6, whenACKnown: nil,
               whenDCOnly: [0, 0, 0, 0, 0, 0, 1, 0, -1, 0, 0, 2, 0, -2, 0, 0, 1, 0, -1, 0, 0, 0, 0, 0, 0]),
        Kernel(zigzag: 7, whenACKnown: nil,
               whenDCOnly: [0, 0, 0, 0, 0, 0, 1, -3, 1, 0, 0, 0, 0, 0, 0, 0, -1, 3, -1, 0, 0, 0, 0, 0, 0]),
        Kernel(zigzag: 8, whenACKnown: nil,
               whenDCOnly: [0, 0, 0, 0, 0, 0, 1, 0, -1, 0, 0, -3, 0, 3, 0, 0, 1, 0, -1, 0, 0, 0, 0, 0, 0]),
        Kernel(zigzag: 9, whenACKnown: nil,
               whenDCOnly: [0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, -1, -2, -1, 0, 0, 0, 0, 0, 0]),
    ]

    /// The DC re-estimate for components without AC data: a smooth kernel summing to 256.
    private static let dcKernel = [-2, -6, -8, -6, -2, -6, 6, 42, 6, -6, -8, 42, 152, 42, -8,
                                   -6, 6, 42, 6, -6, -2, -6, -8, -6, -2]

    private let storage: JPEGCoefficientStorage
    private let quantization: [Int32]
    private let widthInBlocks: Int
    private let heightInBlocks: Int
    private let verticalSampling: Int
    private let mcuRows: Int
    private let dcOnly: Bool

    /// Smoothing for `component`, whose coefficients are `storage`, in `frame`; nil when the
    /// component has every coefficient 1...9 at full precision (smoothing changes nothing).
    init?(component: JPEGComponent, storage: JPEGCoefficientStorage, frame: JPEGFrame) {
        guard let quantization = storage.quantization, storage.lastApproximation[1...].contains(where: { $0 != 0 }) else {
            return nil
        }
        self.storage = storage
        self.quantization = quantization
        widthInBlocks = component.widthInBlocks
        heightInBlocks = component.heightInBlocks
        verticalSampling = component.verticalSampling
        mcuRows = frame.mcuRows
        dcOnly = storage.lastApproximation[1...].allSatisfy { $0 == -1 }
    }

    /// Copies block (`row`, `column`) to `block` (64 coefficients) with libjpeg's estimates.
    func smoothedBlock(row: Int, column: Int, into block: UnsafeMutablePointer<Int16>) {
        block.update(from: storage.block(row: row, column: column), count: 64)
        let rows = neighbourRows(row)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 25) { dc in
            for (index, neighbourRow) in [rows.0, rows.1, rows.2, rows.3, rows.4].enumerated() {
                for offset in -2...2 {
                    let neighbourColumn = min(max(column + offset, 0), widthInBlocks - 1)
                    dc[5 * index + offset + 2] = Int(storage.block(row: neighbourRow, column: neighbourColumn)[0])
                }
            }
            @inline(__always) func weighted(_ weights: [Int]) -> Int {
                var sum = 0
                for index in 0..<25 { sum += weights[index] * dc[index] }
                return Int(quantization[0]) * sum
            }
            for kernel in Self.kernels {
                guard let weights = dcOnly ? kernel.whenDCOnly : kernel.whenACKnown else { continue }
                let al = storage.lastApproximation[kernel.zigzag]
                let position = Self.positions[kernel.zigzag]
                guard al != 0, block[position] == 0 else { continue }
                let value = Self.estimate(weighted(weights), multiplier: Int(quantization[position]), al: al)
                block[position] = Int16(truncatingIfNeeded: value)
            }
            if dcOnly {
                block[0] = Int16(truncatingIfNeeded: Self.estimate(weighted(Self.dcKernel), multiplier: Int(quantization[0]), al: 0))
            }
        }
    }

    /// `numerator / (256 * multiplier)` rounded half away from zero, its magnitude limited
    /// to `2^al - 1` when `al` > 0 (the coefficient's bits below `al` are what is unknown).
    private static func estimate(_ numerator: Int, multiplier: Int, al: Int) -> Int {
        // `applies(to:storage:)` rules out zero multipliers; this keeps any other use safe.
        guard multiplier > 0 else { return 0 }
        var magnitude = ((multiplier << 7) + abs(numerator)) / (multiplier << 8)
        if al > 0, magnitude >= 1 << al { magnitude = (1 << al) - 1 }
        return numerator >= 0 ? magnitude : -magnitude
    }

    /// The block rows libjpeg reads for the rows two above to two below `row`. libjpeg walks
    /// the component in rows of `verticalSampling` blocks (one MCU row) and decides which
    /// neighbours exist from a row number that, in the last MCU row, it computes with that
    /// row's smaller height; this reproduces it (a missing neighbour is the nearer one).
    private func neighbourRows(_ row: Int) -> (Int, Int, Int, Int, Int) {
        let mcuRow = row / verticalSampling
        let inMCU = row % verticalSampling
        var rowsHere = verticalSampling
        if mcuRow == mcuRows - 1, heightInBlocks % verticalSampling != 0 { rowsHere = heightInBlocks % verticalSampling }
        let counted = mcuRow * rowsHere + inMCU
        let countedRows = rowsHere * mcuRows
        let above = counted > 0 ? row - 1 : row
        let twoAbove = counted > 1 ? row - 2 : above
        let below = counted < countedRows - 1 ? row + 1 : row
        let twoBelow = counted < countedRows - 2 ? row + 2 : below
        return (twoAbove, above, row, below, twoBelow)
    }
}
