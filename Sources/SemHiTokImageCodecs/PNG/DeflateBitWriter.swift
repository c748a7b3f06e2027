/// Writes a deflate stream's bits, least significant bit of each byte first (RFC 1951
/// section 3.1.1), through a 64-bit buffer.
struct DeflateBitWriter {
    /// The bytes completed so far.
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bitCount = 0

    /// Bits written so far.
    var bitsWritten: Int { bytes.count * 8 + bitCount }

    /// Appends the low `bits` (at most 32) bits of `value`, least significant first.
    @inline(__always)
    mutating func write(_ value: UInt32, bits: Int) {
        buffer |= UInt64(value) << UInt64(bitCount)
        bitCount += bits
        if bitCount >= 32 {
            for _ in 0..<4 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
            }
            bitCount -= 32
        }
    }

    /// Pads with zero bits to a byte boundary and moves every whole byte to `bytes`.
    mutating func alignToByte() {
        bitCount = (bitCount + 7) & ~7
        while bitCount > 0 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            bitCount -= 8
        }
    }

    /// Appends whole bytes; the writer must be at a byte boundary.
    mutating func append(contentsOf data: UnsafeRawBufferPointer) {
        precondition(bitCount == 0, "bytes are appended at a byte boundary only")
        bytes.append(contentsOf: data)
    }
}
