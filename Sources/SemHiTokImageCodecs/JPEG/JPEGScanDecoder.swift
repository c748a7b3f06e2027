/// What a scan's entropy decoder does for the MCU walk of `JPEGScanDecoder`: Huffman
/// (`JPEGScanDecoder.HuffmanRun`) or arithmetic (`JPEGArithmeticScan.Run`) decoding.
protocol JPEGBlockDecoding {
    /// Decodes the next block of scan member `member` into `block` (row-major coefficients).
    mutating func decodeBlock(_ block: UnsafeMutablePointer<Int16>, member: Int) throws(ImageDecodingProblem)
    /// Reads restart marker RST`expected`, resets the decoder's state and returns whether
    /// it reads data again (false: it stopped at another marker and gives no data).
    mutating func restart(expected: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Bool
    /// Whether the blocks decoded so far needed data past a marker that ended the scan's
    /// data, after which libjpeg decodes nothing until the next restart. Throws when that
    /// is refused instead, as it is when the file itself ends.
    mutating func ranOutOfData(scanNumber: Int) throws(ImageDecodingProblem) -> Bool
    /// The offset where the scan's data ended, or where reading stopped.
    var position: Int { get }
}

/// Decodes one scan's entropy-coded data into the components' coefficient storage (T.81
/// F.2 and G.1.2, Spec/jpeg.md section 4): walks the MCUs, handles restart intervals, and
/// hands each block to the sequential or progressive block decoder.
enum JPEGScanDecoder {
    /// One component of the scan. The pointer stays valid while the caller's `storage`
    /// array holds the storage.
    private struct Member {
        let blocks: UnsafeMutablePointer<Int16>
        let blocksPerLine: Int
        let horizontalSampling: Int
        let verticalSampling: Int
    }

    /// Decodes the Huffman-coded scan whose entropy-coded data starts at `position` in
    /// `bytes` and returns the offset where that data ended (a marker, possibly after ignored
    /// bytes, follows). `scanNumber` (from 1) names the scan in errors.
    ///
    /// Damaged data is decoded as libjpeg decodes it (Spec/jpeg.md section 4.7). Throws
    /// `corrupt` for a Huffman table the scan needs but the file does not define or that is
    /// malformed, a DC value past 32 bits in a progressive scan; `truncated` when the file
    /// ends before the scan's last MCU.
    static func decode(_ scan: JPEGScanHeader, frame: JPEGFrame, storage: [JPEGCoefficientStorage],
                       huffmanTables: JPEGHuffmanTables, restartInterval: Int,
                       bytes: UnsafeRawBufferPointer, position: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Int {
        let kind = scan.kind(isProgressive: frame.isProgressive)
        var tables: [Int32] = []
        var dcTables = SIMD4<Int32>.zero
        var acTables = SIMD4<Int32>.zero
        for (index, member) in scan.members.enumerated() {
            if kind.usesDCTables {
                dcTables[index] = Int32(try appendTable(huffmanTables.dc, slot: member.dcSlot, isDC: true, to: &tables))
            }
            if kind.usesACTables {
                acTables[index] = Int32(try appendTable(huffmanTables.ac, slot: member.acSlot, isDC: false, to: &tables))
            }
        }
        return try tables.withUnsafeBufferPointer { (tablePointer) throws(ImageDecodingProblem) -> Int in
            try jpegNaturalOrder.withUnsafeBufferPointer { (order) throws(ImageDecodingProblem) -> Int in
                guard let tableBase = tablePointer.baseAddress, let naturalOrder = order.baseAddress else { return position }
                var run = HuffmanRun(reader: JPEGBitReader(bytes: bytes, position: position), kind: kind,
                                     start: scan.spectralStart, end: scan.spectralEnd, al: scan.approximationLow,
                                     tables: tableBase, dcTables: dcTables, acTables: acTables, naturalOrder: naturalOrder)
                try walk(scan, frame: frame, storage: storage, restartInterval: restartInterval, decoder: &run,
                         scanNumber: scanNumber)
                return run.position
            }
        }
    }

    /// Walks the scan's MCUs in order, restart intervals included, and has `decoder` decode
    /// every block (T.81 A.2, Spec/jpeg.md section 4.2).
    static func walk<Decoder: JPEGBlockDecoding>(_ scan: JPEGScanHeader, frame: JPEGFrame, storage: [JPEGCoefficientStorage],
                                                 restartInterval: Int, decoder: inout Decoder,
                                                 scanNumber: Int) throws(ImageDecodingProblem) {
        let members = scan.members.map { member in
            let component = frame.components[member.component]
            return Member(blocks: storage[member.component].coefficients, blocksPerLine: storage[member.component].blocksPerLine,
                          horizontalSampling: component.horizontalSampling, verticalSampling: component.verticalSampling)
        }
        // A scan of one component is not interleaved: its MCU is one block, over the blocks
        // that hold samples only (T.81 A.2.2).
        let single = members.count == 1
        let component = frame.components[scan.members[0].component]
        let mcusPerLine = single ? component.widthInBlocks : frame.mcusPerLine
        let mcuCount = mcusPerLine * (single ? component.heightInBlocks : frame.mcuRows)
        // libjpeg's "insufficient data": once a block needed bits past a marker, the MCUs
        // up to the next restart that resumes reading are left as they are.
        var outOfData = false
        for mcu in 0..<mcuCount {
            if restartInterval > 0, mcu > 0, mcu % restartInterval == 0,
               try decoder.restart(expected: (mcu / restartInterval - 1) & 7, scanNumber: scanNumber) {
                outOfData = false
            }
            if outOfData { continue }
            let mcuRow = mcu / mcusPerLine
            let mcuColumn = mcu - mcuRow * mcusPerLine
            do throws(ImageDecodingProblem) {
                for (index, member) in members.enumerated() {
                    if single {
                        try decoder.decodeBlock(member.blocks + (mcuRow * member.blocksPerLine + mcuColumn) * 64, member: index)
                        continue
                    }
                    for y in 0..<member.verticalSampling {
                        for x in 0..<member.horizontalSampling {
                            let row = mcuRow * member.verticalSampling + y
                            let column = mcuColumn * member.horizontalSampling + x
                            try decoder.decodeBlock(member.blocks + (row * member.blocksPerLine + column) * 64, member: index)
                        }
                    }
                }
            } catch {
                // Garbage decoded from the zero padding after a cut file is a symptom of
                // the cut, which is the error to report.
                _ = try decoder.ranOutOfData(scanNumber: scanNumber)
                throw error
            }
            outOfData = try decoder.ranOutOfData(scanNumber: scanNumber)
        }
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

    /// The Huffman decoder's state during one scan.
    private struct HuffmanRun: JPEGBlockDecoding {
        var reader: JPEGBitReader
        let kind: JPEGScanKind
        let start: Int
        let end: Int
        let al: Int
        /// The scan's decoding tables, and where each member's DC and AC tables start in them.
        let tables: UnsafePointer<Int32>
        let dcTables: SIMD4<Int32>
        let acTables: SIMD4<Int32>
        let naturalOrder: UnsafePointer<Int>
        /// DC predictors of the scan's members (T.81 F.2.1.3.1), reset at restarts.
        var predictors: SIMD4<Int32> = .zero
        /// Blocks left in the current end-of-band run (progressive AC scans).
        var endOfBandRun = 0

        init(reader: JPEGBitReader, kind: JPEGScanKind, start: Int, end: Int, al: Int, tables: UnsafePointer<Int32>,
             dcTables: SIMD4<Int32>, acTables: SIMD4<Int32>, naturalOrder: UnsafePointer<Int>) {
            self.reader = reader
            self.kind = kind
            self.start = start
            self.end = end
            self.al = al
            self.tables = tables
            self.dcTables = dcTables
            self.acTables = acTables
            self.naturalOrder = naturalOrder
        }

        var position: Int { reader.position }

        @inline(__always)
        mutating func decodeBlock(_ block: UnsafeMutablePointer<Int16>, member: Int) throws(ImageDecodingProblem) {
            let dcTable = tables + Int(dcTables[member])
            let acTable = tables + Int(acTables[member])
            switch kind {
            case .sequential:
                var predictor = predictors[member]
                JPEGSequentialScan.decodeBlock(block, dcTable: dcTable, acTable: acTable, predictor: &predictor,
                                                   naturalOrder: naturalOrder, reader: &reader)
                predictors[member] = predictor
            case .dcFirst:
                var predictor = predictors[member]
                try JPEGProgressiveScan.decodeDCFirst(block, table: dcTable, predictor: &predictor, al: al, reader: &reader)
                predictors[member] = predictor
            case .dcRefinement:
                JPEGProgressiveScan.decodeDCRefinement(block, al: al, reader: &reader)
            case .acFirst:
                JPEGProgressiveScan.decodeACFirst(block, table: acTable, start: start, end: end, al: al,
                                                      endOfBandRun: &endOfBandRun, naturalOrder: naturalOrder, reader: &reader)
            case .acRefinement:
                JPEGProgressiveScan.decodeACRefinement(block, table: acTable, start: start, end: end, al: al,
                                                           endOfBandRun: &endOfBandRun, naturalOrder: naturalOrder, reader: &reader)
            }
        }

        mutating func ranOutOfData(scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            try reader.ranPastMarker(scanNumber: scanNumber)
        }

        /// Finds the restart marker RST`expected` that follows a restart interval, or
        /// resynchronises as libjpeg does, and resets the DC predictors and the end-of-band
        /// run (T.81 F.2.1.3.1, G.1.2.2), whichever marker it finds.
        mutating func restart(expected: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            let resumed = try reader.resynchronize(expected: expected)
            predictors = .zero
            endOfBandRun = 0
            return resumed
        }
    }
}
