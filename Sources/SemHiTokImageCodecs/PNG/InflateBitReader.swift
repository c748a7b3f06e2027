/// Reads a deflate stream's bits, least significant bit of each byte first (RFC 1951
/// section 3.1.1), through a 64-bit buffer refilled eight bytes at a time.
///
/// Past the end of the input the buffer is filled with zero bytes so that decoding never
/// reads out of bounds; `overran` tells whether any of those were consumed, which makes
/// the stream truncated whatever error the zeros then caused.
struct InflateBitReader {
    private let base: UnsafeRawPointer?
    /// Bytes of input.
    let count: Int
    /// The next input byte to load into the buffer; beyond `count` while padding.
    private var position = 0
    /// Valid bits are the low `bitCount`; the bits above them, if any, repeat the bits
    /// of the following input bytes and are ORed in again by the next refill.
    private(set) var buffer: UInt64 = 0
    private(set) var bitCount = 0
    /// Zero bytes loaded past the end of the input.
    private(set) var padding = 0

    /// A reader of `input`'s bits from its first byte.
    init(_ input: UnsafeRawBufferPointer) {
        base = input.baseAddress
        count = input.count
    }

    /// True when bits beyond the input's end have been consumed.
    var overran: Bool { padding * 8 > bitCount }

    /// Bits consumed from the input's start (zero bytes loaded past its end included).
    var consumedBits: Int { 8 * position - bitCount }

    /// The offset of the first input byte not yet consumed, once the reader is at a byte
    /// boundary (`bitCount` a multiple of 8).
    var bytePosition: Int { position - bitCount / 8 }

    /// Tops the buffer up to at least 56 valid bits.
    @inline(__always)
    mutating func refill() {
        if count - position >= 8, let base {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            buffer |= word << UInt64(bitCount)
            position += (63 - bitCount) >> 3
            bitCount |= 56
        } else {
            refillNearTheEnd()
        }
    }

    private mutating func refillNearTheEnd() {
        while bitCount <= 56 {
            if position < count, let base {
                buffer |= UInt64(base.load(fromByteOffset: position, as: UInt8.self)) << UInt64(bitCount)
            } else {
                padding += 1
            }
            position += 1
            bitCount += 8
        }
    }

    /// Drops the next `bits` bits, which must be in the buffer.
    @inline(__always)
    mutating func consume(_ bits: Int) {
        buffer >>= UInt64(bits)
        bitCount -= bits
    }

    /// The next `bits` (0...32) bits as a number, first bit least significant; they must
    /// be in the buffer.
    @inline(__always)
    mutating func take(_ bits: Int) -> Int {
        let value = Int(truncatingIfNeeded: buffer & (1 << UInt64(bits) - 1))
        consume(bits)
        return value
    }

    /// Skips to the next byte boundary.
    mutating func alignToByte() {
        consume(bitCount & 7)
    }

    /// Copies input bytes `offset..<offset + length`, which must lie within the input, to
    /// `destination`.
    func copyBytes(from offset: Int, count length: Int, to destination: UnsafeMutablePointer<UInt8>) {
        guard let base else { return }
        UnsafeMutableRawPointer(destination).copyMemory(from: base + offset, byteCount: length)
    }

    /// Continues reading at input byte `offset` (at most `count`), dropping the buffer.
    mutating func restart(at offset: Int) {
        position = offset
        buffer = 0
        bitCount = 0
        padding = 0
    }
}
