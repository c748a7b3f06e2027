/// The arithmetic decoder of T.81 annex D (the QM-coder) as libjpeg runs it (Spec/jpeg.md
/// section 4.6): decodes one binary decision at a time against an adaptive statistics bin.
///
/// A bin is one byte, `mps << 7 | state`, with `state` an index into T.81 table D.2
/// (0...112) or 113, libjpeg's fixed probability of one half, which never changes. Bytes
/// are read as in the Huffman data: `FF 00` is the byte `FF`; a marker ends the data, after
/// which zero bytes are supplied without end, which is legal in arithmetic coding (an
/// encoder may drop trailing zero bytes).
struct JPEGArithmeticDecoder {
    /// T.81 table D.2, with libjpeg's extra state 113: per state,
    /// `Qe << 16 | nextMPS << 8 | switchMPS << 7 | nextLPS`.
    static let states: [UInt32] = {
        let rows: [(qe: UInt32, nextLPS: UInt32, nextMPS: UInt32, switchMPS: UInt32)] = [
            (0x5A1D, 1, 1, 1), (0x2586, 14, 2, 0), (0x1114, 16, 3, 0), (0x080B, 18, 4, 0), (0x03D8, 20, 5, 0),
            (0x01DA, 23, 6, 0), (0x00E5, 25, 7, 0), (0x006F, 28, 8, 0), (0x0036, 30, 9, 0), (0x001A, 33, 10, 0),
            (0x000D, 35, 11, 0), (0x0006, 9, 12, 0), (0x0003, 10, 13, 0), (0x0001, 12, 13, 0), (0x5A7F, 15, 15, 1),
            (0x3F25, 36, 16, 0), (0x2CF2, 38, 17, 0), (0x207C, 39, 18, 0), (0x17B9, 40, 19, 0), (0x1182, 42, 20, 0),
            (0x0CEF, 43, 21, 0), (0x09A1, 45, 22, 0), (0x072F, 46, 23, 0), (0x055C, 48, 24, 0), (0x0406, 49, 25, 0),
            (0x0303, 51, 26, 0), (0x0240, 52, 27, 0), (0x01B1, 54, 28, 0), (0x0144, 56, 29, 0), (0x00F5, 57, 30, 0),
            (0x00B7, 59, 31, 0), (0x008A, 60, 32, 0), (0x0068, 62, 33, 0), (0x004E, 63, 34, 0), (0x003B, 32, 35, 0),
            (0x002C, 33, 9, 0), (0x5AE1, 37, 37, 1), (0x484C, 64, 38, 0), (0x3A0D, 65, 39, 0), (0x2EF1, 67, 40, 0),
            (0x261F, 68, 41, 0), (0x1F33, 69, 42, 0), (0x19A8, 70, 43, 0), (0x1518, 72, 44, 0), (0x1177, 73, 45, 0),
            (0x0E74, 74, 46, 0), (0x0BFB, 75, 47, 0), (0x09F8, 77, 48, 0), (0x0861, 78, 49, 0), (0x0706, 79, 50, 0),
            (0x05CD, 48, 51, 0), (0x04DE, 50, 52, 0), (0x040F, 50, 53, 0), (0x0363, 51, 54, 0), (0x02D4, 52, 55, 0),
            (0x025C, 53, 56, 0), (0x01F8, 54, 57, 0), (0x01A4, 55, 58, 0), (0x0160, 56, 59, 0), (0x0125, 57, 60, 0),
            (0x00F6, 58, 61, 0), (0x00CB, 59, 62, 0), (0x00AB, 61, 63, 0), (0x008F, 61, 32, 0), (0x5B12, 65, 65, 1),
            (0x4D04, 80, 66, 0), (0x412C, 81, 67, 0), (0x37D8, 82, 68, 0), (0x2FE8, 83, 69, 0), (0x293C, 84, 70, 0),
            (0x2379, 86, 71, 0), (0x1EDF, 87, 72, 0), (0x1AA9, 87, 73, 0), (0x174E, 72, 74, 0), (0x1424, 72, 75, 0),
            (0x119C, 74, 76, 0), (0x0F6B, 74, 77, 0), (0x0D51, 75, 78, 0), (0x0BB6, 77, 79, 0), (0x0A40, 77, 48, 0),
            (0x5832, 80, 81, 1), (0x4D1C, 88, 82, 0), (0x438E, 89, 83, 0), (0x3BDD, 90, 84, 0), (0x34EE, 91, 85, 0),
            (0x2EAE, 92, 86, 0), (0x299A, 93, 87, 0), (0x2516, 86, 71, 0), (0x5570, 88, 89, 1), (0x4CA9, 95, 90, 0),
            (0x44D9, 96, 91, 0), (0x3E22, 97, 92, 0), (0x3824, 99, 93, 0), (0x32B4, 99, 94, 0), (0x2E17, 93, 86, 0),
            (0x56A8, 95, 96, 1), (0x4F46, 101, 97, 0), (0x47E5, 102, 98, 0), (0x41CF, 103, 99, 0), (0x3C3D, 104, 100, 0),
            (0x375E, 99, 93, 0), (0x5231, 105, 102, 0), (0x4C0F, 106, 103, 0), (0x4639, 107, 104, 0), (0x415E, 103, 99, 0),
            (0x5627, 105, 106, 1), (0x50E7, 108, 107, 0), (0x4B85, 109, 103, 0), (0x5597, 110, 109, 0), (0x504F, 111, 107, 0),
            (0x5A10, 110, 111, 1), (0x5522, 112, 109, 0), (0x59EB, 112, 111, 1), (0x5A1D, 113, 113, 0),
        ]
        return rows.map { $0.qe << 16 | $0.nextMPS << 8 | $0.switchMPS << 7 | $0.nextLPS }
    }()

    /// The state libjpeg's fixed-probability bin holds.
    static let fixedState: UInt8 = 113

    /// The whole file.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read; once a marker is met, the offset of one of its `FF` bytes.
    private(set) var position: Int
    private let states: UnsafePointer<UInt32>
    /// T.81's code register C, holding the unread input bits below the comparison point.
    private var code = 0
    /// T.81's interval register A.
    private var interval = 0
    /// Bits of `code` not yet shifted into place; -16 before the first two bytes are read.
    private var bitsLeft = -16
    /// Whether a marker (or the end of the file) ended the data.
    private var ended = false
    /// Whether the file itself ended inside the data, with no marker after it.
    private(set) var reachedEndOfFile = false

    /// A decoder of the data at `position` in `bytes`; `states` points at `Self.states`.
    init(bytes: UnsafeRawBufferPointer, position: Int, states: UnsafePointer<UInt32>) {
        self.bytes = bytes
        self.position = position
        self.states = states
    }

    /// Finds restart marker RST`expected` by libjpeg's `jpeg_resync_to_restart` rules
    /// (`JPEGMarkerReader.resynchronize`; bytes before it skipped) and starts decoding
    /// afresh: after the marker when it is taken, else from zero bytes, the marker found
    /// being left in place for the next restart or the end of the scan (libjpeg's
    /// `jdarith.c` then supplies zeros just as past a marker that ends the data).
    ///
    /// Throws `truncated` when the file ends before a marker decides.
    mutating func restart(expected: Int) throws(ImageDecodingProblem) {
        var markers = JPEGMarkerReader(bytes: bytes, position: position)
        ended = !(try markers.resynchronize(expected: expected))
        position = markers.position
        code = 0
        interval = 0
        bitsLeft = -16
    }

    /// The next data byte, or 0 once the data has ended.
    @inline(__always)
    private mutating func nextByte() -> Int {
        guard !ended else { return 0 }
        guard position < bytes.count else {
            ended = true
            reachedEndOfFile = true
            return 0
        }
        let byte = bytes[position]
        guard byte == 0xFF else {
            position += 1
            return Int(byte)
        }
        var next = position + 1
        while next < bytes.count, bytes[next] == 0xFF { next += 1 }
        if next < bytes.count, bytes[next] == 0 {
            position = next + 1
            return 0xFF
        }
        // A marker (or the end of the file): leave it for the marker reader.
        ended = true
        reachedEndOfFile = next >= bytes.count
        return 0
    }

    /// Decodes one decision with `bin` and updates the bin's estimate (T.81 D.2.4 to D.2.6).
    @inline(__always)
    mutating func decode(_ bin: UnsafeMutablePointer<UInt8>) -> Int {
        // Renormalisation and input (D.2.6); the first pass reads two bytes.
        while interval < 0x8000 {
            bitsLeft -= 1
            if bitsLeft < 0 {
                code = code << 8 | nextByte()
                bitsLeft += 8
                if bitsLeft < 0 {
                    bitsLeft += 1
                    if bitsLeft == 0 { interval = 0x8000 }
                }
            }
            interval <<= 1
        }
        let estimate = Int(bin.pointee)
        let entry = states[estimate & 0x7F]
        let qe = Int(entry >> 16)
        let afterLPS = UInt8(truncatingIfNeeded: entry)
        let afterMPS = UInt8(truncatingIfNeeded: entry >> 8)
        let mps = UInt8(estimate & 0x80)
        interval -= qe
        let boundary = interval << bitsLeft
        if code >= boundary {
            // The upper sub-interval, of size Qe: the LPS unless the exchange applies.
            code -= boundary
            let exchanged = interval < qe
            interval = qe
            if exchanged {
                bin.pointee = mps ^ afterMPS
                return estimate >> 7
            }
            bin.pointee = mps ^ afterLPS
            return (estimate >> 7) ^ 1
        }
        if interval < 0x8000 {
            if interval < qe {
                bin.pointee = mps ^ afterLPS
                return (estimate >> 7) ^ 1
            }
            bin.pointee = mps ^ afterMPS
        }
        return estimate >> 7
    }
}
