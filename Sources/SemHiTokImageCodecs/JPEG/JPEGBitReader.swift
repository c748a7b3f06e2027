/// Reads the bits of entropy-coded data (T.81 F.2.2.5 and B.1.1.5, Spec/jpeg.md section 4.1):
/// bytes most significant bit first, `FF 00` standing for the data byte `FF`, ending at the
/// first marker or at the end of the file.
///
/// Past the end it supplies zero bits, as libjpeg does, and counts them: a decoder that
/// consumed any (`consumedPadding`) has read past the data. Where a marker ends the data,
/// scans then recover as libjpeg does (section 4.7); where the file ends, Pillow raises and
/// so does this library.
struct JPEGBitReader {
    /// The whole file.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to load; when `ended` is set, the first byte of the marker where the
    /// data stopped, or the end of the file.
    private(set) var position: Int
    /// The unread bits, the next one in the most significant place.
    private var buffer: UInt64 = 0
    /// How many bits of `buffer` are valid, data or padding.
    private var bitCount = 0
    /// How many zero bits were appended after the data ended; they are the last
    /// `paddingBits` of the buffer until consumed.
    private var paddingBits = 0
    /// Whether the data has ended (a marker or the end of the file was reached).
    private(set) var ended = false

    init(bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// Whether more bits were consumed than the data held.
    var consumedPadding: Bool { paddingBits > bitCount }

    /// Whether the decoding so far needed bits beyond the data where a marker ends it
    /// (libjpeg's "insufficient data", Spec/jpeg.md section 4.7). Throws *truncated* when
    /// the file itself ended: libjpeg then waits for more data, and Pillow raises.
    mutating func ranPastMarker(scanNumber: Int) throws(ImageDecodingProblem) -> Bool {
        guard consumedPadding else { return false }
        if position >= bytes.count { throw .truncated("the entropy-coded data of scan \(scanNumber)") }
        return true
    }

    /// Finds the restart marker RST`expected` by libjpeg's `jpeg_resync_to_restart` rules
    /// (`JPEGMarkerReader.resynchronize`) and returns whether reading resumes after a
    /// marker. The buffered bits are dropped; when the marker found is left in place, the
    /// reader gives zero bits from now on.
    ///
    /// Throws *truncated* when the file ends before a marker decides.
    mutating func resynchronize(expected: Int) throws(ImageDecodingProblem) -> Bool {
        var markers = JPEGMarkerReader(bytes: bytes, position: position)
        let resumed = try markers.resynchronize(expected: expected)
        if resumed {
            restart(at: markers.position)
        } else {
            stop(at: markers.position)
        }
        return resumed
    }

    /// Drops the buffered bits and starts reading again at `offset` (after a restart marker).
    private mutating func restart(at offset: Int) {
        position = offset
        buffer = 0
        bitCount = 0
        paddingBits = 0
        ended = false
    }

    /// Drops the buffered bits and ends the data at the marker whose last `FF` is at
    /// `offset`, leaving it to be read after the scan.
    private mutating func stop(at offset: Int) {
        restart(at: offset)
        ended = true
    }

    /// Makes at least 32 bits available: enough for one Huffman code (at most 16 bits) and
    /// the extra bits that follow it (at most 15).
    @inline(__always)
    mutating func ensureBits() {
        if bitCount < 32 { refill() }
    }

    /// Loads bytes until more than 56 bits are buffered.
    private mutating func refill() {
        let count = bytes.count
        if !ended, count - position >= 8 {
            // Eight bytes at once when none is FF (so none needs unstuffing or ends the data).
            let word = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let inverted = ~word
            if (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080 == 0 {
                let taken = (64 - bitCount) / 8
                buffer |= (word &>> UInt64(64 - 8 * taken)) &<< UInt64(64 - bitCount - 8 * taken)
                position += taken
                bitCount += 8 * taken
                return
            }
        }
        while bitCount <= 56 {
            var byte: UInt8 = 0
            if !ended, position < count {
                byte = bytes[position]
                if byte != 0xFF {
                    position += 1
                } else {
                    var next = position + 1
                    // libjpeg swallows fill bytes before deciding between data and a marker.
                    while next < count, bytes[next] == 0xFF { next += 1 }
                    if next < count, bytes[next] == 0x00 {
                        position = next + 1
                    } else {
                        ended = true
                        byte = 0
                        // FF bytes at the very end are a cut file, not a marker.
                        if next == count { position = count }
                    }
                }
            } else {
                ended = true
            }
            if ended { paddingBits += 8 }
            buffer |= UInt64(byte) << UInt64(56 - bitCount)
            bitCount += 8
        }
    }

    /// The next symbol coded with `table` (a `JPEGHuffmanDecodingTable` layout). Call
    /// `ensureBits()` first. Where no code of the table starts the bits, libjpeg reads 17
    /// bits and takes symbol 0 (Spec/jpeg.md section 4.7), and so does this.
    @inline(__always)
    mutating func decodeSymbol(_ table: UnsafePointer<Int32>) -> Int {
        let entry = table[Int(truncatingIfNeeded: buffer &>> 55)]
        if entry != 0 {
            consume(Int(entry &>> 8))
            return Int(entry & 0xFF)
        }
        var length = JPEGHuffmanDecodingTable.lookaheadBits + 1
        while length <= 16 {
            let code = Int32(truncatingIfNeeded: buffer &>> UInt64(64 - length))
            if code <= table[JPEGHuffmanDecodingTable.maximumCodeBase + length] {
                consume(length)
                let index = Int(code + table[JPEGHuffmanDecodingTable.symbolOffsetBase + length])
                return Int(table[JPEGHuffmanDecodingTable.symbolBase + index])
            }
            length += 1
        }
        consume(17)
        return 0
    }

    /// The entry of the combined coefficient lookup (`JPEGHuffmanDecodingTable`) for the
    /// next bits of the stream; when nonzero, `consumeCoefficient` takes them. Call
    /// `ensureBits()` first.
    @inline(__always)
    func peekCoefficient(_ table: UnsafePointer<Int32>) -> Int32 {
        table[JPEGHuffmanDecodingTable.coefficientBase + Int(truncatingIfNeeded: buffer &>> 55)]
    }

    /// Consumes the bits of a nonzero `peekCoefficient` entry.
    @inline(__always)
    mutating func consumeCoefficient(_ entry: Int32) {
        consume(Int(entry & 0xFF))
    }

    /// The next `count` bits (1 to 16) as an unsigned number.
    @inline(__always)
    mutating func bits(_ count: Int) -> Int {
        let value = Int(truncatingIfNeeded: buffer &>> UInt64(64 - count))
        consume(count)
        return value
    }

    /// The next bit.
    @inline(__always)
    mutating func bit() -> Bool {
        if bitCount < 1 { refill() }
        let set = buffer &>> 63 != 0
        consume(1)
        return set
    }

    /// The next `size` bits (1 to 15) read as a signed magnitude of that size category
    /// (T.81 F.2.2.1, EXTEND): values below `2^(size-1)` are negative.
    @inline(__always)
    mutating func signedValue(_ size: Int) -> Int32 {
        let raw = Int32(truncatingIfNeeded: buffer &>> UInt64(64 - size))
        consume(size)
        return raw < Int32(1) &<< Int32(size - 1) ? raw &- (Int32(1) &<< Int32(size)) &+ 1 : raw
    }

    @inline(__always)
    private mutating func consume(_ count: Int) {
        buffer &<<= UInt64(count)
        bitCount -= count
    }
}
