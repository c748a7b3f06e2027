/// Whether libjpeg-turbo, fed as Pillow feeds it, decodes every MCU of a sequential or
/// lossless Huffman-coded scan whose data runs to the end of the file with no marker after
/// it (Spec/jpeg.md section 4.7 item 5).
///
/// Pillow hands libjpeg the file in blocks of 65536 bytes and raises once the file ends
/// before the image is complete. libjpeg-turbo's Huffman decoders (jdhuff.c, and jdlhuff.c
/// for lossless scans, which shares its bit buffer) read bytes ahead of the bits they need,
/// and when the source has no byte left they suspend, giving up the MCU, even where the bits
/// already buffered would have completed it. So whether the last MCU of a cut file completes
/// depends on where the decoder refills its bit buffer, which this models exactly: a 64-bit
/// buffer, the slow path's refill to at least 57 bits whenever fewer bits than a step needs
/// are buffered, the fast path's refill of 6 bytes whenever at most 16 bits are, and which
/// path runs for each MCU (the lossless decoder has only the slow path). Decoding the scan a
/// second time this way is slow, but only files cut like this need it.
struct JPEGCutScanCheck {
    /// Pillow's read size (`ImageFile.MAXBLOCK`).
    static let pillowBlockSize = 65536
    /// libjpeg's `MIN_GET_BITS` for a 64-bit bit buffer: the slow path's refill target.
    private static let refillTarget = 57
    /// libjpeg's `BUFSIZE`: the fast path runs only with this many bytes per block of the
    /// MCU left in the source buffer.
    private static let fastPathBytesPerBlock = 512

    private let bytes: UnsafeRawBufferPointer
    /// The next byte to load into the bit buffer.
    private var position: Int
    /// The end of the bytes Pillow has handed over so far.
    private var available: Int
    /// libjpeg's `get_buffer`: the unread bits are its low `bitsLeft` bits.
    private var buffer: UInt64 = 0
    private var bitsLeft = 0
    /// libjpeg's `unread_marker`: a marker stopped the loading of bytes.
    private var sawMarker = false

    private init(bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
        // Pillow's reads end at multiples of its block size; the scan starts in the first
        // read that reaches it.
        let block = Self.pillowBlockSize
        self.available = min(bytes.count, max(block, (position + block - 1) / block * block))
    }

    /// The tables of one unit of an MCU, as offsets into the scan's table storage: a DCT
    /// block's DC and AC tables, or a lossless sample's table (`ac` nil).
    private typealias Unit = (dc: Int, ac: Int?)

    /// Whether libjpeg completes every MCU of the Huffman-coded sequential or lossless scan
    /// `scan` of `frame`, whose entropy-coded data starts at `position` and runs to the end of
    /// `bytes`. False also where the model does not follow libjpeg: a restart marker other
    /// than the expected one, or a marker met inside the data (libjpeg's "insufficient data").
    static func completes(_ scan: JPEGScanHeader, frame: JPEGFrame, huffmanTables: JPEGHuffmanTables,
                          restartInterval: Int, bytes: UnsafeRawBufferPointer, position: Int) -> Bool {
        frame.isLossless
            ? completesLossless(scan, frame: frame, huffmanTables: huffmanTables, restartInterval: restartInterval,
                                bytes: bytes, position: position)
            : completesSequential(scan, frame: frame, huffmanTables: huffmanTables, restartInterval: restartInterval,
                                  bytes: bytes, position: position)
    }

    /// `completes` for a DCT scan (jdhuff.c, fast and slow paths).
    private static func completesSequential(_ scan: JPEGScanHeader, frame: JPEGFrame, huffmanTables: JPEGHuffmanTables,
                                            restartInterval: Int, bytes: UnsafeRawBufferPointer, position: Int) -> Bool {
        var tables: [Int32] = []
        var units: [Unit] = []
        for member in scan.members {
            guard member.dcSlot < huffmanTables.dc.count, let dc = huffmanTables.dc[member.dcSlot],
                  member.acSlot < huffmanTables.ac.count, let ac = huffmanTables.ac[member.acSlot] else { return false }
            let dcOffset = tables.count
            guard (try? JPEGHuffmanDecodingTable.append(dc, isDC: true, to: &tables)) != nil else { return false }
            let acOffset = tables.count
            guard (try? JPEGHuffmanDecodingTable.append(ac, isDC: false, to: &tables)) != nil else { return false }
            units += Array(repeating: (dcOffset, acOffset), count: unitsPerMCU(member, of: scan, frame: frame))
        }
        let component = frame.components[scan.members[0].component]
        let mcuCount = scan.members.count == 1
            ? component.widthInBlocks * component.heightInBlocks : frame.mcusPerLine * frame.mcuRows
        // With restart intervals libjpeg-turbo always takes the slow path.
        return decodeScan(units, tables: tables, mcuCount: mcuCount, mayTakeFastPath: restartInterval == 0,
                          restartInterval: restartInterval, bytes: bytes, position: position)
    }

    /// `completes` for a lossless scan: jdlhuff.c's `decode_mcus`, which saves its state
    /// after each MCU and, suspended, resumes from the MCU it stopped at.
    private static func completesLossless(_ scan: JPEGScanHeader, frame: JPEGFrame, huffmanTables: JPEGHuffmanTables,
                                  restartInterval: Int, bytes: UnsafeRawBufferPointer, position: Int) -> Bool {
        var tables: [Int32] = []
        var units: [Unit] = []
        for member in scan.members {
            guard member.dcSlot < huffmanTables.dc.count, let table = huffmanTables.dc[member.dcSlot] else { return false }
            let offset = tables.count
            guard (try? JPEGHuffmanDecodingTable.append(table, isDC: true, largestDCSymbol: 16, to: &tables)) != nil else {
                return false
            }
            units += Array(repeating: (offset, nil), count: unitsPerMCU(member, of: scan, frame: frame))
        }
        // A lossless data unit is one sample.
        let component = frame.components[scan.members[0].component]
        let mcuCount = scan.members.count == 1 ? component.width * component.height : frame.mcusPerLine * frame.mcuRows
        return decodeScan(units, tables: tables, mcuCount: mcuCount, mayTakeFastPath: false,
                          restartInterval: restartInterval, bytes: bytes, position: position)
    }

    /// The data units `member` codes in each MCU of `scan`: `h * v` when interleaved, else 1.
    private static func unitsPerMCU(_ member: JPEGScanHeader.Member, of scan: JPEGScanHeader, frame: JPEGFrame) -> Int {
        let component = frame.components[member.component]
        return scan.members.count == 1 ? 1 : component.horizontalSampling * component.verticalSampling
    }

    /// Decodes `mcuCount` MCUs of `units` each from `position`, with a restart every
    /// `restartInterval` MCUs (0: none); false once the model suspends with the whole file
    /// handed over, or stops following libjpeg.
    private static func decodeScan(_ units: [Unit], tables: [Int32], mcuCount: Int, mayTakeFastPath: Bool,
                                   restartInterval: Int, bytes: UnsafeRawBufferPointer, position: Int) -> Bool {
        tables.withUnsafeBufferPointer { pointer in
            guard let base = pointer.baseAddress else { return false }
            var model = JPEGCutScanCheck(bytes: bytes, position: position)
            for mcu in 0..<mcuCount {
                // A lossless restart interval is a whole number of MCU rows, so libjpeg's
                // restarts at the start of MCU rows fall at these MCUs too.
                if restartInterval > 0, mcu > 0, mcu % restartInterval == 0,
                   !model.restart(expected: (mcu / restartInterval - 1) & 7) {
                    return false
                }
                guard model.decodeMCU(units, tables: base, mayTakeFastPath: mayTakeFastPath) else { return false }
            }
            return true
        }
    }

    /// Decodes one MCU as libjpeg's `decode_mcu` (or `decode_mcus`) does, retrying it after
    /// each suspension with Pillow's next block. False when it suspends with the whole file
    /// handed over, or the model stops following libjpeg.
    private mutating func decodeMCU(_ units: [Unit], tables: UnsafePointer<Int32>, mayTakeFastPath: Bool) -> Bool {
        while true {
            let saved = self
            if mayTakeFastPath, !sawMarker, available - position >= Self.fastPathBytesPerBlock * units.count {
                // The fast path never suspends: it runs only with enough bytes ahead.
                for unit in units { _ = decodeUnit(unit, tables: tables, fast: true) }
                // The fast path hands an MCU that meets a marker to the slow path.
                guard sawMarker else { return true }
                self = saved
            }
            var complete = true
            for unit in units where complete {
                complete = decodeUnit(unit, tables: tables, fast: false)
            }
            if complete { return true }
            self = saved
            guard available < bytes.count else { return false }
            available = min(bytes.count, available + Self.pillowBlockSize)
        }
    }

    /// One data unit: a DCT block, or a lossless sample, which only the slow path decodes.
    /// False when the slow path suspends.
    private mutating func decodeUnit(_ unit: Unit, tables: UnsafePointer<Int32>, fast: Bool) -> Bool {
        guard let ac = unit.ac else { return decodeSample(tables + unit.dc) }
        return decodeBlock(dc: tables + unit.dc, ac: tables + ac, fast: fast)
    }

    /// One lossless sample difference (jdlhuff.c): a size category, then that many extra
    /// bits, none for category 16 (32768). False when it suspends.
    private mutating func decodeSample(_ table: UnsafePointer<Int32>) -> Bool {
        guard let size = decodeSymbol(table, fast: false) else { return false }
        return size == 0 || size == 16 || skipBits(size, fast: false)
    }

    /// One block's DC difference and AC run/size symbols with their extra bits. False when
    /// the slow path suspends.
    private mutating func decodeBlock(dc: UnsafePointer<Int32>, ac: UnsafePointer<Int32>, fast: Bool) -> Bool {
        guard let size = decodeSymbol(dc, fast: fast) else { return false }
        if size != 0, !skipBits(size, fast: fast) { return false }
        var k = 1
        while k < 64 {
            guard let symbol = decodeSymbol(ac, fast: fast) else { return false }
            let run = symbol >> 4
            let size = symbol & 15
            if size != 0 {
                k += run
                if !skipBits(size, fast: fast) { return false }
            } else if run == 15 {
                k += 15
            } else {
                break
            }
            k += 1
        }
        return true
    }

    /// The next Huffman symbol (`HUFF_DECODE`, `HUFF_DECODE_FAST`): an 8-bit lookahead, then
    /// longer codes bit by bit; 17 bits and symbol 0 where no code matches. Nil when the
    /// slow path suspends.
    private mutating func decodeSymbol(_ table: UnsafePointer<Int32>, fast: Bool) -> Int? {
        if fast {
            fastRefill()
        } else if bitsLeft < 8 {
            guard refill() else { return nil }
            if bitsLeft < 8 { return longCode(table, from: 1) }
        }
        for length in 1...8 {
            let code = peek(length)
            if code <= Int(table[JPEGHuffmanDecodingTable.maximumCodeBase + length]) {
                bitsLeft -= length
                return symbol(table, code: code, length: length)
            }
        }
        if !fast { return longCode(table, from: 9) }
        // The fast path takes the remaining bits of a long code without refilling.
        var code = peek(9)
        bitsLeft -= 9
        var length = 9
        while code > Int(table[JPEGHuffmanDecodingTable.maximumCodeBase + length]) {
            code = code << 1 | peek(1)
            bitsLeft -= 1
            length += 1
        }
        return symbol(table, code: code, length: length)
    }

    /// libjpeg's `jpeg_huff_decode`: `minimum` bits, then one bit at a time, each step
    /// refilling when the buffer lacks the bits.
    private mutating func longCode(_ table: UnsafePointer<Int32>, from minimum: Int) -> Int? {
        guard ensure(minimum) else { return nil }
        var code = peek(minimum)
        bitsLeft -= minimum
        var length = minimum
        // The table's entry for length 17 is above every code, so the loop stops there.
        while code > Int(table[JPEGHuffmanDecodingTable.maximumCodeBase + length]) {
            guard ensure(1) else { return nil }
            code = code << 1 | peek(1)
            bitsLeft -= 1
            length += 1
        }
        return symbol(table, code: code, length: length)
    }

    /// The symbol of `code`, `length` bits long; 0 for the 17 bits of a missing code.
    private func symbol(_ table: UnsafePointer<Int32>, code: Int, length: Int) -> Int {
        guard length <= 16 else { return 0 }
        let index = (code + Int(table[JPEGHuffmanDecodingTable.symbolOffsetBase + length])) & 0xFF
        return Int(table[JPEGHuffmanDecodingTable.symbolBase + index])
    }

    /// Takes `count` extra bits (`CHECK_BIT_BUFFER` and `GET_BITS`). False when the slow
    /// path suspends.
    private mutating func skipBits(_ count: Int, fast: Bool) -> Bool {
        if fast {
            fastRefill()
        } else if !ensure(count) {
            return false
        }
        bitsLeft -= count
        return true
    }

    /// The next `count` bits, not consumed.
    private func peek(_ count: Int) -> Int {
        Int(truncatingIfNeeded: (buffer &>> UInt64(max(bitsLeft - count, 0))) & ((1 << UInt64(count)) - 1))
    }

    /// `CHECK_BIT_BUFFER`: refills when fewer than `count` bits are buffered. A marker that
    /// leaves too few bits is libjpeg's "insufficient data", which the model does not follow.
    private mutating func ensure(_ count: Int) -> Bool {
        guard bitsLeft < count else { return true }
        return refill() && bitsLeft >= count
    }

    /// `jpeg_fill_bit_buffer`: loads bytes until 57 bits are buffered or a marker is met.
    /// False (libjpeg suspends) when a byte is needed beyond those handed over, even one
    /// that would only have been buffered.
    private mutating func refill() -> Bool {
        guard !sawMarker else { return true }
        while bitsLeft < Self.refillTarget {
            guard position < available else { return false }
            var byte = bytes[position]
            position += 1
            if byte == 0xFF {
                repeat {
                    guard position < available else { return false }
                    byte = bytes[position]
                    position += 1
                } while byte == 0xFF
                guard byte == 0 else {
                    sawMarker = true
                    return true
                }
                byte = 0xFF
            }
            buffer = buffer &<< 8 | UInt64(byte)
            bitsLeft += 8
        }
        return true
    }

    /// `FILL_BIT_BUFFER_FAST`: six bytes when at most 16 bits are buffered, a marker giving
    /// zero bytes and staying in place. The fast path runs only far from the end of the
    /// data; bytes past the file, which libjpeg would read from beyond its buffer, count as 0.
    private mutating func fastRefill() {
        guard bitsLeft <= 16 else { return }
        for _ in 0..<6 {
            let byte = position < bytes.count ? bytes[position] : 0
            let next = position + 1 < bytes.count ? bytes[position + 1] : 0
            position += 1
            buffer = buffer &<< 8 | UInt64(byte)
            bitsLeft += 8
            if byte == 0xFF {
                position += 1
                if next != 0 {
                    sawMarker = true
                    position -= 2
                    buffer &= ~0xFF
                }
            }
        }
    }

    /// libjpeg's `process_restart`: drops the buffered bits and reads restart marker
    /// RST`expected`, after the bytes before it. False when the file ends first, or another
    /// marker comes (libjpeg resynchronises; the model does not follow).
    private mutating func restart(expected: Int) -> Bool {
        buffer = 0
        bitsLeft = 0
        if !sawMarker {
            // `next_marker`: bytes up to an FF, fill FFs, a code; FF 00 is skipped.
            var code: UInt8 = 0
            while code == 0 {
                while position < bytes.count, bytes[position] != 0xFF { position += 1 }
                while position < bytes.count, bytes[position] == 0xFF { position += 1 }
                guard position < bytes.count else { return false }
                code = bytes[position]
                position += 1
            }
            guard Int(code) == 0xD0 + expected else { return false }
            available = max(available, min(bytes.count, (position + Self.pillowBlockSize - 1) / Self.pillowBlockSize * Self.pillowBlockSize))
        } else if bytes[position - 1] != UInt8(0xD0 + expected) {
            return false
        }
        sawMarker = false
        return true
    }
}
