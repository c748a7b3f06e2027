/// libwebp's VP8L bit reader as it behaves in one decoding step of a colour-indexed alpha
/// plane that reads past the data (Spec/webp.md section 5): the only case where the bits it
/// gives beyond the end are not zeros, and where libwebp still uses them.
///
/// libwebp holds 64 bits of the data; once it has loaded the last byte, that window is the
/// data's last 8 bytes (the whole data, padded with zeros, when shorter) and its bit position
/// counts from the window's start, past 64 when a read went beyond the data. A read takes
/// the window shifted right by the position modulo 64: zeros past the end for a position
/// below 64, the window's own first bits from 64 on. `VP8LReadBits` alone checks for the
/// end: it sets the end-of-stream flag and returns the position to 0 when its read went past
/// the data, and once the flag is set it reads nothing, returns 0 and returns the position to
/// 0 again, as does refilling the window when the position is 32 or more. Prefix codes are
/// read with a root lookup of 8 bits and, for longer codes, a second lookup 8 bits further
/// on, each at the position of its own moment.
///
/// Before the step reaches the end its reads see exactly the data, so the reader needs only
/// the step's starting bit, which lies at or before the end.
struct VP8LOverrunReader {
    private let data: UnsafeRawBufferPointer
    /// The stream bit where libwebp's last window starts (`data` is at least 8 bytes).
    private let windowStart: Int
    /// libwebp's bit position in the last window (negative before it, where the reads see
    /// the data as they are).
    private var position: Int
    private var endOfStream = false

    /// A reader of `data` (at least 8 bytes: shorter data padded with zeros) at stream bit
    /// `bit`, at most `8 * data.count`.
    init(_ data: UnsafeRawBufferPointer, at bit: Int) {
        self.data = data
        windowStart = 8 * data.count - 64
        position = bit - windowStart
    }

    /// True when the step went past the data: the end-of-stream flag, or a position beyond
    /// the window that no `readBits` has checked yet (libwebp's check after each step).
    var pastTheEnd: Bool { endOfStream || position > 64 }

    /// The 32 bits libwebp's prefetch gives at the current position, zero past the data.
    private func prefetch() -> Int {
        let start = windowStart + (position >= 64 ? position - 64 : position)
        var value = 0
        for index in 0..<5 where start / 8 + index < data.count {
            value |= Int(data[start / 8 + index]) << (8 * index)
        }
        return (value >> (start & 7)) & 0xFFFF_FFFF
    }

    /// The next symbol of `code`, with libwebp's two lookups.
    mutating func readSymbol(_ code: VP8LPrefixCodeTable) -> Int {
        let entry = code.table[prefetch() & (1 << code.rootBits - 1)]
        let length = Int(entry & 0xFF)
        if length <= code.rootBits {
            position += length
            return Int(entry >> 8)
        }
        position += code.rootBits
        let second = code.table[Int(entry >> 8) + (prefetch() & (1 << (length - code.rootBits) - 1))]
        position += Int(second & 0xFF)
        return Int(second >> 8)
    }

    /// libwebp's `VP8LReadBits` of `count` (1...24) bits.
    mutating func readBits(_ count: Int) -> Int {
        guard !endOfStream else {
            position = 0
            return 0
        }
        let value = prefetch() & (1 << count - 1)
        position += count
        if position > 64 {
            endOfStream = true
            position = 0
        }
        return value
    }

    /// libwebp's refill of the window before a read that needs it: at the data's end it
    /// only checks for the end.
    mutating func fillWindow() {
        if position >= 32, pastTheEnd {
            endOfStream = true
            position = 0
        }
    }

    /// An LZ77 length or distance from its prefix symbol (RFC 9649), its extra bits read
    /// with `readBits`.
    mutating func prefixValue(_ symbol: Int) -> Int {
        if symbol < 4 { return symbol + 1 }
        let extraBits = (symbol - 2) >> 1
        return ((2 + (symbol & 1)) << extraBits) + readBits(extraBits) + 1
    }
}
