// Big-endian fields of PNG chunks and zlib streams (Spec/png.md section 2).

/// The big-endian 32-bit number at `offset` of `data`, which must hold four bytes there.
func bigEndianUInt32(_ data: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[offset + $1]) }
}

/// The big-endian 16-bit number at `offset` of `data`, which must hold two bytes there.
func bigEndianUInt16(_ data: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
    UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
}
