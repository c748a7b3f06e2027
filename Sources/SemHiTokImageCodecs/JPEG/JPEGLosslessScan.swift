/// Decodes one scan of a lossless Huffman frame (SOF3, T.81 annex H, Spec/jpeg.md section
/// 4.5) straight into the components' sample planes, in libjpeg's order: the sample
/// differences of one iMCU row (a row of MCUs; in a scan of one component, the component's
/// `v` sample rows) are decoded first, then its rows are reconstructed
/// (`JPEGLosslessPrediction`) and shifted left by the point transform.
enum JPEGLosslessScan {
    /// One component of the scan with its buffers, all valid for the scan's decoding.
    private struct Member {
        let component: JPEGComponent
        let plane: UnsafeMutablePointer<UInt8>
        let stride: Int
        let table: UnsafePointer<Int32>
        /// `v` rows of `differenceStride` decoded differences (the MCU grid's width).
        let differences: UnsafeMutablePointer<Int32>
        let differenceStride: Int
        /// The reconstructed row above and the one being reconstructed, `width` samples each.
        let previous: UnsafeMutablePointer<Int32>
        let current: UnsafeMutablePointer<Int32>
    }

    /// Decodes the scan whose entropy-coded data starts at `position` in `bytes` into
    /// `planes` and returns the offset where that data ended. `scanNumber` (from 1) names
    /// the scan in errors.
    ///
    /// Damaged data is decoded as libjpeg decodes it (Spec/jpeg.md section 4.7). Throws
    /// `corrupt` for a DC Huffman table the scan needs but the file does not define or that
    /// is malformed, or a restart interval that is not a whole number of MCU rows (libjpeg
    /// requires it); `truncated` when the file ends before the scan's last MCU.
    static func decode(_ scan: JPEGScanHeader, frame: JPEGFrame, planes: JPEGSamplePlanes,
                       huffmanTables: JPEGHuffmanTables, restartInterval: Int,
                       bytes: UnsafeRawBufferPointer, position: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Int {
        let single = scan.members.count == 1
        let first = frame.components[scan.members[0].component]
        let mcusPerLine = single ? first.width : frame.mcusPerLine
        guard restartInterval % mcusPerLine == 0 else {
            throw .corrupt("the restart interval of \(restartInterval) MCUs is not a whole number of MCU rows of \(mcusPerLine), "
                           + "as lossless JPEG needs")
        }
        let rowsPerInterval = restartInterval / mcusPerLine

        var tables: [Int32] = []
        var tableOffsets: [Int] = []
        for member in scan.members {
            guard member.dcSlot < huffmanTables.dc.count, let specification = huffmanTables.dc[member.dcSlot] else {
                throw .corrupt("the scan uses DC Huffman table \(member.dcSlot), which no DHT segment defines")
            }
            tableOffsets.append(tables.count)
            try JPEGHuffmanDecodingTable.append(specification, isDC: true, largestDCSymbol: 16, to: &tables)
        }
        // Per member: v rows of differences over the MCU grid's width, and two rows of
        // reconstructed samples; one allocation.
        var layout: [(differences: Int, stride: Int, previous: Int, current: Int)] = []
        var total = 0
        for member in scan.members {
            let component = frame.components[member.component]
            let stride = single ? component.width : component.blocksPerLine
            layout.append((total, stride, total + component.verticalSampling * stride,
                           total + component.verticalSampling * stride + component.width))
            total += component.verticalSampling * stride + 2 * component.width
        }
        let buffer = UnsafeMutablePointer<Int32>.allocate(capacity: total)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: total)

        var reader = JPEGBitReader(bytes: bytes, position: position)
        try tables.withUnsafeBufferPointer { (tablePointer) throws(ImageDecodingProblem) in
            guard let tableBase = tablePointer.baseAddress else { return }
            let members = scan.members.enumerated().map { index, member in
                Member(component: frame.components[member.component], plane: planes.plane(member.component),
                       stride: planes.strides[member.component], table: tableBase + tableOffsets[index],
                       differences: buffer + layout[index].differences, differenceStride: layout[index].stride,
                       previous: buffer + layout[index].previous, current: buffer + layout[index].current)
            }
            var isFirstRow = [Bool](repeating: true, count: members.count)
            var rowsToRestart = rowsPerInterval
            var restartNumber = 0
            // libjpeg's "insufficient data": once a row needed bits past a marker, the MCU
            // rows up to the next restart that resumes reading get zero differences, and
            // prediction starts again as at a restart.
            var outOfData = false
            for iMCURow in 0..<frame.mcuRows {
                // A scan of one component codes its rows of this iMCU row as separate MCU
                // rows; at the bottom, only the rows that exist.
                let mcuRowsHere = single ? min(first.verticalSampling, first.height - iMCURow * first.verticalSampling) : 1
                for mcuRow in 0..<mcuRowsHere {
                    if rowsPerInterval > 0 {
                        if rowsToRestart == 0 {
                            if try reader.resynchronize(expected: restartNumber) { outOfData = false }
                            restartNumber = (restartNumber + 1) & 7
                            rowsToRestart = rowsPerInterval
                            // libjpeg restarts prediction at the first row it reconstructs
                            // next, which is the iMCU row's first even when the restart
                            // comes before a later one.
                            for index in isFirstRow.indices { isFirstRow[index] = true }
                        }
                        rowsToRestart -= 1
                    }
                    if outOfData {
                        for member in members {
                            if single {
                                (member.differences + mcuRow * member.differenceStride).update(repeating: 0, count: mcusPerLine)
                            } else {
                                member.differences.update(repeating: 0, count: member.component.verticalSampling * member.differenceStride)
                            }
                        }
                        for index in isFirstRow.indices { isFirstRow[index] = true }
                        continue
                    }
                    decodeMCURow(members, row: mcuRow, single: single, mcusPerLine: mcusPerLine, reader: &reader)
                    outOfData = try reader.ranPastMarker(scanNumber: scanNumber)
                }
                for (index, member) in members.enumerated() {
                    let component = member.component
                    let top = iMCURow * component.verticalSampling
                    for row in 0..<min(component.verticalSampling, component.height - top) {
                        JPEGLosslessPrediction.undo(
                            member.differences + row * member.differenceStride, previous: member.previous,
                            into: member.current, width: component.width, isFirstRow: isFirstRow[index],
                            predictor: scan.spectralStart, pointTransform: scan.approximationLow)
                        isFirstRow[index] = false
                        let output = member.plane + (top + row) * member.stride
                        let shift = Int32(scan.approximationLow)
                        for x in 0..<component.width {
                            output[x] = UInt8(truncatingIfNeeded: member.current[x] << shift)
                        }
                        member.previous.update(from: member.current, count: component.width)
                    }
                }
            }
        }
        return reader.position
    }

    /// Decodes the differences of one MCU row into the members' difference rows: row `row`
    /// of a single component, or each member's `v` rows of `h` samples per MCU.
    private static func decodeMCURow(_ members: [Member], row: Int, single: Bool, mcusPerLine: Int,
                                     reader: inout JPEGBitReader) {
        if single {
            let member = members[0]
            let target = member.differences + row * member.differenceStride
            for column in 0..<mcusPerLine {
                target[column] = difference(member.table, reader: &reader)
            }
            return
        }
        for column in 0..<mcusPerLine {
            for member in members {
                let h = member.component.horizontalSampling
                for y in 0..<member.component.verticalSampling {
                    let target = member.differences + y * member.differenceStride + column * h
                    for x in 0..<h { target[x] = difference(member.table, reader: &reader) }
                }
            }
        }
    }

    /// One sample difference (T.81 H.1.2.2): a size category 0 to 16 coded with `table`,
    /// then that many bits as in DC differences; category 16 stands for 32768 with no bits.
    @inline(__always)
    private static func difference(_ table: UnsafePointer<Int32>, reader: inout JPEGBitReader) -> Int32 {
        reader.ensureBits()
        let size = reader.decodeSymbol(table)
        switch size {
        case 0: return 0
        case 16: return 32768
        default: return reader.signedValue(size)
        }
    }
}
