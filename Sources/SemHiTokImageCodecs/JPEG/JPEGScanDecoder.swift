/// Decodes one scan's entropy-coded data into the components' coefficient storage (T.81
/// F.2 and G.1.2, Spec/jpeg.md section 4): walks the MCUs, handles restart intervals, and
/// hands each block to the sequential or progressive block decoder.
enum JPEGScanDecoder {
    /// Which block decoder a scan uses.
    private enum Kind {
        case sequential, dcFirst, dcRefinement, acFirst, acRefinement
    }

    /// One component of the scan, resolved to its coefficients and tables. The pointer
    /// stays valid while the caller's `storage` array holds the storage.
    private struct Member {
        let blocks: UnsafeMutablePointer<Int16>
        let blocksPerLine: Int
        let horizontalSampling: Int
        let verticalSampling: Int
        /// Offsets of the DC and AC tables in the scan's table storage (0 when unused).
        let dcTable: Int
        let acTable: Int
    }

    /// Decodes the scan whose entropy-coded data starts at `position` in `bytes` and returns
    /// the offset where that data ended (a marker, possibly after ignored bytes, follows).
    /// `scanNumber` (from 1) names the scan in errors.
    ///
    /// Throws `corrupt` for a Huffman table the scan needs but the file does not define or
    /// that is malformed, a bad code or coefficient, or a missing or wrong restart marker;
    /// `truncated` when the data ends before the scan's last MCU.
    static func decode(_ scan: JPEGScanHeader, frame: JPEGFrame, storage: [JPEGCoefficientStorage],
                       huffmanTables: JPEGHuffmanTables, restartInterval: Int,
                       bytes: UnsafeRawBufferPointer, position: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Int {
        let kind: Kind = !frame.isProgressive ? .sequential
            : scan.isDCScan ? (scan.approximationHigh == 0 ? .dcFirst : .dcRefinement)
            : (scan.approximationHigh == 0 ? .acFirst : .acRefinement)
        var tables: [Int32] = []
        var members: [Member] = []
        for member in scan.members {
            let needsDC = kind == .sequential || kind == .dcFirst
            let needsAC = kind == .sequential || kind == .acFirst || kind == .acRefinement
            let dcTable = needsDC ? try appendTable(huffmanTables.dc, slot: member.dcSlot, isDC: true, to: &tables) : 0
            let acTable = needsAC ? try appendTable(huffmanTables.ac, slot: member.acSlot, isDC: false, to: &tables) : 0
            let component = frame.components[member.component]
            members.append(Member(blocks: storage[member.component].coefficients,
                                  blocksPerLine: storage[member.component].blocksPerLine,
                                  horizontalSampling: component.horizontalSampling,
                                  verticalSampling: component.verticalSampling, dcTable: dcTable, acTable: acTable))
        }
        // A scan of one component is not interleaved: its MCU is one block, over the blocks
        // that hold samples only (T.81 A.2.2).
        let single = members.count == 1
        let component = frame.components[scan.members[0].component]
        let mcusPerLine = single ? component.widthInBlocks : frame.mcusPerLine
        let mcuCount = mcusPerLine * (single ? component.heightInBlocks : frame.mcuRows)
        var run = Run(reader: JPEGBitReader(bytes: bytes, position: position), kind: kind,
                      start: scan.spectralStart, end: scan.spectralEnd, al: scan.approximationLow)
        try tables.withUnsafeBufferPointer { (tablePointer) throws(ImageDecodingProblem) in
            try jpegNaturalOrder.withUnsafeBufferPointer { (order) throws(ImageDecodingProblem) in
                guard let tableBase = tablePointer.baseAddress, let naturalOrder = order.baseAddress else { return }
                for mcu in 0..<mcuCount {
                    if restartInterval > 0, mcu > 0, mcu % restartInterval == 0 {
                        try run.restart(expected: (mcu / restartInterval - 1) & 7, scanNumber: scanNumber)
                    }
                    let mcuRow = mcu / mcusPerLine
                    let mcuColumn = mcu - mcuRow * mcusPerLine
                    do throws(ImageDecodingProblem) {
                        for (index, member) in members.enumerated() {
                            if single {
                                try run.decodeBlock(member.blocks + (mcuRow * member.blocksPerLine + mcuColumn) * 64,
                                                    member: index, dcTable: tableBase + member.dcTable,
                                                    acTable: tableBase + member.acTable, naturalOrder: naturalOrder)
                                continue
                            }
                            for y in 0..<member.verticalSampling {
                                for x in 0..<member.horizontalSampling {
                                    let row = mcuRow * member.verticalSampling + y
                                    let column = mcuColumn * member.horizontalSampling + x
                                    let block = member.blocks + (row * member.blocksPerLine + column) * 64
                                    try run.decodeBlock(block, member: index, dcTable: tableBase + member.dcTable,
                                                        acTable: tableBase + member.acTable, naturalOrder: naturalOrder)
                                }
                            }
                        }
                    } catch {
                        // Garbage decoded from the zero padding after the data is a symptom
                        // of the data ending early, which is the error to report.
                        try run.reader.checkNotExhausted(scanNumber: scanNumber)
                        throw error
                    }
                    try run.reader.checkNotExhausted(scanNumber: scanNumber)
                }
            }
        }
        return run.reader.position
    }

    /// Appends the decoding layout of table `slot` to `tables` and returns its offset.
    private static func appendTable(_ slots: [JPEGHuffmanSpecification?], slot: Int, isDC: Bool,
                                    to tables: inout [Int32]) throws(ImageDecodingProblem) -> Int {
        let kind = isDC ? "DC" : "AC"
        guard slot < slots.count, let specification = slots[slot] else {
            throw .corrupt("the scan uses \(kind) Huffman table \(slot), which no DHT segment defines")
        }
        let offset = tables.count
        try JPEGHuffmanDecodingTable.append(specification, isDC: isDC, to: &tables)
        return offset
    }

    /// The entropy decoder's state during one scan.
    private struct Run {
        var reader: JPEGBitReader
        let kind: Kind
        let start: Int
        let end: Int
        let al: Int
        /// DC predictors of the scan's members (T.81 F.2.1.3.1), reset at restarts.
        var predictors: SIMD4<Int32> = .zero
        /// Blocks left in the current end-of-band run (progressive AC scans).
        var endOfBandRun = 0

        @inline(__always)
        mutating func decodeBlock(_ block: UnsafeMutablePointer<Int16>, member: Int, dcTable: UnsafePointer<Int32>,
                                  acTable: UnsafePointer<Int32>, naturalOrder: UnsafePointer<Int>) throws(ImageDecodingProblem) {
            switch kind {
            case .sequential:
                var predictor = predictors[member]
                try JPEGSequentialScan.decodeBlock(block, dcTable: dcTable, acTable: acTable, predictor: &predictor,
                                                   naturalOrder: naturalOrder, reader: &reader)
                predictors[member] = predictor
            case .dcFirst:
                var predictor = predictors[member]
                try JPEGProgressiveScan.decodeDCFirst(block, table: dcTable, predictor: &predictor, al: al, reader: &reader)
                predictors[member] = predictor
            case .dcRefinement:
                JPEGProgressiveScan.decodeDCRefinement(block, al: al, reader: &reader)
            case .acFirst:
                try JPEGProgressiveScan.decodeACFirst(block, table: acTable, start: start, end: end, al: al,
                                                      endOfBandRun: &endOfBandRun, naturalOrder: naturalOrder, reader: &reader)
            case .acRefinement:
                try JPEGProgressiveScan.decodeACRefinement(block, table: acTable, start: start, end: end, al: al,
                                                           endOfBandRun: &endOfBandRun, naturalOrder: naturalOrder, reader: &reader)
            }
        }

        /// Reads the restart marker RST`expected` that must follow a restart interval, and
        /// resets the bit reader, the DC predictors and the end-of-band run (T.81 F.2.1.3.1,
        /// G.1.2.2).
        mutating func restart(expected: Int, scanNumber: Int) throws(ImageDecodingProblem) {
            try reader.readRestartMarker(expected: expected, scanNumber: scanNumber)
            predictors = .zero
            endOfBandRun = 0
        }
    }
}
