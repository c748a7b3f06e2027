/// The boolean entropy decoder of RFC 6386 section 7, in the arrangement libwebp uses
/// (Spec/vp8.md section 3): `range` holds the range minus one, `value` the bits read so far
/// and `bits` how many of them lie below the 8-bit window being compared. Past the end of
/// its bytes the decoder reads zeros and sets `exhausted`, which the frame decoder turns
/// into an error at the points libwebp checks it.
struct VP8BoolDecoder {
    private let data: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private var value: UInt64 = 0
    private var bits: Int = -8
    private var range: UInt32 = 254
    /// Whether a bit was read beyond the last byte.
    private(set) var exhausted = false

    /// A decoder over `data[start ..< start + count]`; the caller has checked the bounds.
    init(_ data: UnsafeRawBufferPointer, start: Int, count: Int) {
        self.data = data
        position = start
        end = start + count
        load()
    }

    /// Brings in 56 bits while at least 8 bytes remain, then single bytes. Whole words and
    /// single bytes give the same decisions: `exhausted` is set only when a bit is needed
    /// and every byte has been consumed, which is libwebp's moment.
    @inline(__always)
    private mutating func load() {
        if position + 8 <= end {
            let word = UInt64(bigEndian: data.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            value = (value << 56) | (word >> 8)
            bits += 56
            position += 7
        } else if position < end {
            value = (value << 8) | UInt64(data[position])
            bits += 8
            position += 1
        } else if !exhausted {
            value <<= 8
            bits += 8
            exhausted = true
        } else {
            bits = 0
        }
    }

    /// One bool whose probability of being false is `probability / 256`.
    @inline(__always)
    mutating func bit(_ probability: UInt32) -> Bool {
        var range = self.range
        if bits < 0 { load() }
        let split = (range &* probability) >> 8
        let window = UInt32(truncatingIfNeeded: value >> UInt64(bits))
        let one = window > split
        if one {
            range -= split
            value -= UInt64(split + 1) << UInt64(bits)
        } else {
            range = split + 1
        }
        let shift = range.leadingZeroBitCount - 24
        range <<= UInt32(shift)
        bits -= shift
        self.range = range - 1
        return one
    }

    /// An unsigned `count`-bit number, most significant bit first, each bit at probability
    /// 128 (`L(n)` of section 19.2).
    mutating func literal(_ count: Int) -> Int32 {
        var result: Int32 = 0
        for _ in 0..<count { result = (result << 1) | (bit(128) ? 1 : 0) }
        return result
    }

    /// A `count`-bit magnitude followed by a sign bit, negative when the sign is one.
    mutating func signedLiteral(_ count: Int) -> Int32 {
        let magnitude = literal(count)
        return bit(128) ? -magnitude : magnitude
    }

    /// `magnitude` with the sign of the next bool at probability one half, as libwebp reads
    /// a coefficient's sign: the range is halved without renormalising, which in rare states
    /// rounds the following split differently from `bit(128)` (Spec/vp8.md section 3).
    @inline(__always)
    mutating func signed(_ magnitude: Int32) -> Int32 {
        if bits < 0 { load() }
        let position = bits
        let split = range >> 1
        let window = UInt32(truncatingIfNeeded: value >> UInt64(position))
        let mask = Int32(bitPattern: split &- window) >> 31
        value -= UInt64((split + 1) & UInt32(bitPattern: mask)) << UInt64(position)
        range = UInt32(bitPattern: Int32(bitPattern: range) &+ mask) | 1
        bits = position - 1
        return (magnitude ^ mask) &- mask
    }
}
