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
    /// Throws `corrupt` for a run past the end of the band or a
    /// magnitude of 2^15 or more (libjpeg warns and drops the rest of the scan), a
    /// coefficient outside 16 bits, or a missing or wrong restart marker.
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
                // A restart marker inside the last interval (or in a scan without restarts)
                // is damage on which libjpeg resynchronises in ways this decoder does not
                // follow for arithmetic coding: refused rather than decoded otherwise.
                if run.decoder.stoppedAtRestartMarker {
                    throw .corrupt("the arithmetic-coded data of scan \(scanNumber) stops at a restart marker after its last restart interval")
                }
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
        var predictors: SIMD4<Int32> = .zero
        var contexts: SIMD4<Int32> = .zero

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
        /// the file ends instead, it is cut short, which is the error to report.
        func ranOutOfData(scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            if decoder.reachedEndOfFile { throw .truncated("the entropy-coded data of scan \(scanNumber)") }
            return false
        }

        /// Reads the restart marker and resets the decoder, the bins of the scan's tables,
        /// the DC predictors and contexts. Always resumes: any other marker is refused.
        mutating func restart(expected: Int, scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
            try decoder.readRestartMarker(expected: expected, scanNumber: scanNumber)
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
        @inline(never)
        mutating func decodeBlock(_ block: UnsafeMutablePointer<Int16>, member: Int) throws(ImageDecodingProblem) {
            switch kind {
            case .sequential:
                block[0] = try nextDC(member: member, shift: 0)
                try decodeAC(block, member: member, from: 1, to: 63, shift: 0)
            case .dcFirst:
                block[0] = try nextDC(member: member, shift: al)
            case .dcRefinement:
                if decoder.decode(fixedBin) != 0 { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
            case .acFirst:
                try decodeAC(block, member: member, from: start, to: end, shift: al)
            case .acRefinement:
                try refineAC(block, member: member)
            }
        }

        /// The member's next DC value, `predictor << shift`, after decoding a difference
        /// (figures F.19 to F.24) and updating its context.
        @inline(__always)
        private mutating func nextDC(member: Int, shift: Int) throws(ImageDecodingProblem) -> Int16 {
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
                        guard category != 0x8000 else { throw .corrupt("an arithmetic-coded DC difference of 2^15 or more") }
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
                predictors[member] += sign != 0 ? -magnitude : magnitude
            } else {
                contexts[member] = 0
            }
            let value = predictors[member] << Int32(shift)
            guard let dc = Int16(exactly: value) else { throw .corrupt("a DC coefficient of \(value) overflows 16 bits") }
            return dc
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

        /// Figure F.20 for zigzag indices `first...last`: each coefficient coded is
        /// `value << shift`.
        @inline(__always)
        private mutating func decodeAC(_ block: UnsafeMutablePointer<Int16>, member: Int, from first: Int, to last: Int,
                                       shift: Int) throws(ImageDecodingProblem) {
            let bins = statistics + slots * dcBins + Int(acSlots[member]) * acBins
            let limit = Int(acLimits[member])
            var k = first
            while k <= last {
                var bin = bins + 3 * (k - 1)
                if decoder.decode(bin) != 0 { return }
                while decoder.decode(bin + 1) == 0 {
                    bin += 3
                    k += 1
                    guard k <= last else { throw .corrupt("an arithmetic-coded AC run past the end of the band") }
                }
                let sign = decoder.decode(fixedBin)
                bin += 2
                var category = Int32(decoder.decode(bin))
                if category != 0, decoder.decode(bin) != 0 {
                    category <<= 1
                    bin = bins + (k <= limit ? 189 : 217)
                    while decoder.decode(bin) != 0 {
                        category <<= 1
                        guard category != 0x8000 else { throw .corrupt("an arithmetic-coded AC magnitude of 2^15 or more") }
                        bin += 1
                    }
                }
                let magnitude = magnitudeBits(category, bins: bin + 14) + 1
                let value = (sign != 0 ? -magnitude : magnitude) << Int32(shift)
                guard let coefficient = Int16(exactly: value) else {
                    throw .corrupt("an AC coefficient of \(value) overflows 16 bits")
                }
                block[naturalOrder[k]] = coefficient
                k += 1
            }
        }

        /// libjpeg's AC refinement (G.1.3.3): past the last coefficient already nonzero an
        /// end-of-band decision first; a correction bit for each nonzero coefficient; newly
        /// nonzero coefficients of magnitude `2^al`.
        @inline(__always)
        private mutating func refineAC(_ block: UnsafeMutablePointer<Int16>, member: Int) throws(ImageDecodingProblem) {
            let bins = statistics + slots * dcBins + Int(acSlots[member]) * acBins
            let one = Int32(1) << Int32(al)
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
                            let value = Int32(coefficient.pointee) + (coefficient.pointee < 0 ? -one : one)
                            guard let refined = Int16(exactly: value) else {
                                throw .corrupt("an AC coefficient of \(value) overflows 16 bits")
                            }
                            coefficient.pointee = refined
                        }
                        break
                    }
                    if decoder.decode(bin + 1) != 0 {
                        coefficient.pointee = Int16(truncatingIfNeeded: decoder.decode(fixedBin) != 0 ? -one : one)
                        break
                    }
                    bin += 3
                    k += 1
                    guard k <= end else { throw .corrupt("an arithmetic-coded AC run past the end of the band") }
                }
                k += 1
            }
        }
    }
}
