/// Decodes the blocks of an arithmetic-coded scan (SOF9 sequential, SOF10 progressive;
/// T.81 F.1.4, F.2.4 and G.1.3, Spec/jpeg.md section 4.6) with libjpeg's statistics model:
/// per table slot (0 to 15) 64 DC bins and 256 AC bins, reset at every scan and restart for
/// the tables the scan uses; per component a DC predictor and a DC context.
enum JPEGArithmeticScan {
    private static let dcBins = 64
    private static let acBins = 256
    private static let slots = JPEGArithmeticConditioning.slots

    /// Decodes the scan whose entropy-coded data starts at `position` in `bytes` and returns
    /// the offset where decoding stopped (a marker follows, possibly after ignored bytes).
    ///
    /// Damaged data is decoded as libjpeg's `jdarith.c` decodes it (Spec/jpeg.md section
    /// 4.7): restart markers resynchronised as in Huffman-coded scans, coefficients kept to
    /// their low 16 bits, and after a run past the band or a magnitude of 2^15 or more the
    /// rest of the restart interval left as it is. Throws `truncated` when the file ends
    /// inside the data or before a restart marker.
    static func decode(_ scan: JPEGScanHeader, frame: JPEGFrame, storage: [JPEGCoefficientStorage],
                       conditioning: JPEGArithmeticConditioning, restartInterval: Int,
                       bytes: UnsafeRawBufferPointer, position: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Int {
        let kind = scan.kind(isProgressive: frame.isProgressive)
        var dcSlots = SIMD4<Int32>.zero
        var acSlots = SIMD4<Int32>.zero
        var smallBelow = SIMD4<Int32>.zero
        var largeAbove = SIMD4<Int32>.zero
        var acLimits = SIMD4<Int32>.zero
        var used = Set<Int>()
        for (index, member) in scan.members.enumerated() {
            if kind.usesDCTables {
                dcSlots[index] = Int32(member.dcSlot)
                smallBelow[index] = Int32((1 << conditioning.dcLower[member.dcSlot]) >> 1)
                largeAbove[index] = Int32((1 << conditioning.dcUpper[member.dcSlot]) >> 1)
                used.insert(member.dcSlot)
            }
            if kind.usesACTables {
                acSlots[index] = Int32(member.acSlot)
                acLimits[index] = Int32(conditioning.acLimit[member.acSlot])
                used.insert(slots + member.acSlot)
            }
        }
        // DC bins of every slot, AC bins of every slot, then the fixed-probability bin.
        let statisticsSize = slots * (dcBins + acBins) + 1
        let statistics = UnsafeMutablePointer<UInt8>.allocate(capacity: statisticsSize)
        defer { statistics.deallocate() }
        statistics.initialize(repeating: 0, count: statisticsSize)
        return try jpegNaturalOrder.withUnsafeBufferPointer { (order) throws(ImageDecodingProblem) -> Int in
            try JPEGArithmeticDecoder.states.withUnsafeBufferPointer { (states) throws(ImageDecodingProblem) -> Int in
                guard let naturalOrder = order.baseAddress, let stateBase = states.baseAddress else { return position }
                var run = Run(decoder: JPEGArithmeticDecoder(bytes: bytes, position: position, states: stateBase), kind: kind,
                              start: scan.spectralStart, end: scan.spectralEnd, al: scan.approximationLow,
                              statistics: statistics, usedTables: used.sorted(), dcSlots: dcSlots, acSlots: acSlots,
                              smallBelow: smallBelow, largeAbove: largeAbove, acLimits: acLimits, naturalOrder: naturalOrder)
                try JPEGScanDecoder.walk(scan, frame: frame, storage: storage, restartInterval: restartInterval,
                                         decoder: &run, scanNumber: scanNumber)
                return run.position
            }
        }
    }

    /// The arithmetic decoder's state during one scan.
    private struct Run: JPEGBlockDecoding {
        var decoder: JPEGArithmeticDecoder
        let kind: JPEGScanKind
        let start: Int
        let end: Int
        let al: Int
        let statistics: UnsafeMutablePointer<UInt8>
        /// The tables whose bins the scan uses: DC slots as they are, AC slots plus `slots`.
        let usedTables: [Int]
        let dcSlots: SIMD4<Int32>
        let acSlots: SIMD4<Int32>
        /// Per member, from its DC conditioning: `2^L / 2` and `2^U / 2` (F.1.4.4.1.2).
        let smallBelow: SIMD4<Int32>
        let largeAbove: SIMD4<Int32>
        /// Per member, its AC conditioning Kx.
        let acLimits: SIMD4<Int32>
        let naturalOrder: UnsafePointer<Int>
        /// Per member, the DC predictor, kept to 16 bits as libjpeg keeps it.
        var predictors: SIMD4<Int32> = .zero
        var contexts: SIMD4<Int32> = .zero
        /// Set by a run past the band or a magnitude of 2^15 or more (libjpeg's `ct = -1`):
        /// nothing more is decoded until the next restart.
        var broken = false

        init(decoder: JPEGArithmeticDecoder, kind: JPEGScanKind, start: Int, end: Int, al: Int,
             statistics: UnsafeMutablePointer<UInt8>, usedTables: [Int], dcSlots: SIMD4<Int32>, acSlots: SIMD4<Int32>,
             smallBelow: SIMD4<Int32>, largeAbove: SIMD4<Int32>, acLimits: SIMD4<Int32>, naturalOrder: UnsafePointer<Int>) {
            self.decoder = decoder
            self.kind = kind
            self.start = start
            self.end = end
            self.al = al
            self.statistics = statistics
            self.usedTables = usedTables
            self.dcSlots = dcSlots
            self.acSlots = acSlots
            self.smallBelow = smallBelow
            self.largeAbove = largeAbove
            self.acLimits = acLimits
            self.naturalOrder = naturalOrder
            fixedBin.pointee = JPEGArithmeticDecoder.fixedState
        }

        var position: Int { decoder.position }

        /// The bin of probability one half, shared by all tables.
        private var fixedBin: UnsafeMutablePointer<UInt8> { statistics + slots * (dcBins + acBins) }

        /// Decoding past the data is legal in arithmetic coding when a marker ends it; when
        /// the file ends instead, it is cut short, which is the error to report. Otherwise
        /// the MCUs up to the next restart are skipped only after a bad code.
        func ranOutOfData(scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            if decoder.reachedEndOfFile { throw .truncated("the entropy-coded data of scan \(scanNumber)") }
            return broken
        }

        /// Finds the restart marker (resynchronising as libjpeg does) and resets the decoder,
        /// the bins of the scan's tables, the DC predictors and contexts. Always resumes:
        /// when the marker found is left in place, the data that follows is zero bytes.
        mutating func restart(expected: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            try decoder.restart(expected: expected)
            broken = false
            for table in usedTables {
                if table < slots {
                    (statistics + table * dcBins).update(repeating: 0, count: dcBins)
                } else {
                    (statistics + slots * dcBins + (table - slots) * acBins).update(repeating: 0, count: acBins)
                }
            }
            predictors = .zero
            contexts = .zero
            return true
        }

        // Out of line: inlined into the MCU walk's loop, its many loads and stores made the
        // optimizer's loop-invariant code motion take tens of minutes on the walk; a call
        // per block is nothing beside the bins an arithmetic-coded block decodes.
        // A bad code ends the MCU: its later blocks are left as they are, like the MCUs up
        // to the next restart (`ranOutOfData`).
        @inline(never)
        mutating func decodeBlock(_ block: UnsafeMutablePointer<Int16>, member: Int) {
            guard !broken else { return }
            switch kind {
            case .sequential:
                guard let dc = nextDC(member: member, shift: 0) else { return }
                block[0] = dc
                decodeAC(block, member: member, from: 1, to: 63, shift: 0)
            case .dcFirst:
                guard let dc = nextDC(member: member, shift: al) else { return }
                block[0] = dc
            case .dcRefinement:
                if decoder.decode(fixedBin) != 0 { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
            case .acFirst:
                decodeAC(block, member: member, from: start, to: end, shift: al)
            case .acRefinement:
                refineAC(block, member: member)
            }
        }

        /// The member's next DC value, the low 16 bits of `predictor << shift`, after
        /// decoding a difference (figures F.19 to F.24) and updating its context; nil (and
        /// `broken` set) for a magnitude of 2^15 or more.
        @inline(__always)
        private mutating func nextDC(member: Int, shift: Int) -> Int16? {
            let bins = statistics + Int(dcSlots[member]) * dcBins
            var bin = bins + Int(contexts[member])
            if decoder.decode(bin) != 0 {
                let sign = decoder.decode(bin + 1)
                bin += 2 + sign
                var category = Int32(decoder.decode(bin))
                if category != 0 {
                    bin = bins + 20
                    while decoder.decode(bin) != 0 {
                        category <<= 1
                        guard category != 0x8000 else {
                            broken = true
                            return nil
                        }
                        bin += 1
                    }
                }
                if category < smallBelow[member] {
                    contexts[member] = 0
                } else if category > largeAbove[member] {
                    contexts[member] = 12 + 4 * Int32(sign)
                } else {
                    contexts[member] = 4 + 4 * Int32(sign)
                }
                let magnitude = magnitudeBits(category, bins: bin + 14) + 1
                predictors[member] = (predictors[member] &+ (sign != 0 ? -magnitude : magnitude)) & 0xFFFF
            } else {
                contexts[member] = 0
            }
            return Int16(truncatingIfNeeded: predictors[member] << Int32(shift))
        }

        /// Figure F.24: `category` (a power of two, or 0) with the bits below it decoded
        /// from `bins`.
        @inline(__always)
        private mutating func magnitudeBits(_ category: Int32, bins: UnsafeMutablePointer<UInt8>) -> Int32 {
            var value = category
            var bit = category >> 1
            while bit != 0 {
                if decoder.decode(bins) != 0 { value |= bit }
                bit >>= 1
            }
            return value
        }

        /// Figure F.20 for zigzag indices `first...last`: each coefficient coded is the low
        /// 16 bits of `value << shift`. A run past `last` or a magnitude of 2^15 or more sets
        /// `broken` and ends the block.
        @inline(__always)
        private mutating func decodeAC(_ block: UnsafeMutablePointer<Int16>, member: Int, from first: Int, to last: Int,
                                       shift: Int) {
            let bins = statistics + slots * dcBins + Int(acSlots[member]) * acBins
            let limit = Int(acLimits[member])
            var k = first
            while k <= last {
                var bin = bins + 3 * (k - 1)
                if decoder.decode(bin) != 0 { return }
                while decoder.decode(bin + 1) == 0 {
                    bin += 3
                    k += 1
                    guard k <= last else {
                        broken = true
                        return
                    }
                }
                let sign = decoder.decode(fixedBin)
                bin += 2
                var category = Int32(decoder.decode(bin))
                if category != 0, decoder.decode(bin) != 0 {
                    category <<= 1
                    bin = bins + (k <= limit ? 189 : 217)
                    while decoder.decode(bin) != 0 {
                        category <<= 1
                        guard category != 0x8000 else {
                            broken = true
                            return
                        }
                        bin += 1
                    }
                }
                let magnitude = magnitudeBits(category, bins: bin + 14) + 1
                block[naturalOrder[k]] = Int16(truncatingIfNeeded: (sign != 0 ? -magnitude : magnitude) << Int32(shift))
                k += 1
            }
        }

        /// libjpeg's AC refinement (G.1.3.3): past the last coefficient already nonzero an
        /// end-of-band decision first; a correction bit for each nonzero coefficient; newly
        /// nonzero coefficients of magnitude `2^al`; corrections wrap modulo 2^16. A run
        /// past the band sets `broken` and ends the block.
        @inline(__always)
        private mutating func refineAC(_ block: UnsafeMutablePointer<Int16>, member: Int) {
            let bins = statistics + slots * dcBins + Int(acSlots[member]) * acBins
            let one = Int16(truncatingIfNeeded: 1 << al)
            var lastKnown = end
            while lastKnown > 0, block[naturalOrder[lastKnown]] == 0 { lastKnown -= 1 }
            var k = start
            while k <= end {
                var bin = bins + 3 * (k - 1)
                if k > lastKnown, decoder.decode(bin) != 0 { return }
                while true {
                    let coefficient = block + naturalOrder[k]
                    if coefficient.pointee != 0 {
                        if decoder.decode(bin + 2) != 0 {
                            coefficient.pointee &+= coefficient.pointee < 0 ? 0 &- one : one
                        }
                        break
                    }
                    if decoder.decode(bin + 1) != 0 {
                        coefficient.pointee = decoder.decode(fixedBin) != 0 ? 0 &- one : one
                        break
                    }
                    bin += 3
                    k += 1
                    guard k <= end else {
                        broken = true
                        return
                    }
                }
                k += 1
            }
        }
    }
}
