import SemHiTokSupport

/// Walks the chunks of a PNG file after its signature, checking each chunk's length, type
/// letters and CRC-32 before handing it out (Spec/png.md section 2).
struct PNGChunkReader {
    private let bytes: UnsafeRawBufferPointer
    /// Offset of the next chunk.
    private(set) var position: Int

    /// A reader of the chunks of `bytes` from `offset` on.
    init(_ bytes: UnsafeRawBufferPointer, from offset: Int) {
        self.bytes = bytes
        position = offset
    }

    /// Bytes after the last chunk read.
    var remaining: Int { bytes.count - position }

    /// The next chunk, or nil at the end of the bytes. Throws `truncated` when the bytes
    /// end inside a chunk, `corrupt` for a length above 2^31 - 1 or a type that is not
    /// four ASCII letters, and `checksumMismatch` for a wrong CRC.
    mutating func next() throws(ImageDecodingProblem) -> PNGChunk? {
        guard position < bytes.count else { return nil }
        guard bytes.count - position >= 8 else { throw .truncated("the chunk header at offset \(position)") }
        let length = Int(bigEndianUInt32(bytes, at: position))
        let type = bigEndianUInt32(bytes, at: position + 4)
        guard length <= 0x7FFF_FFFF else {
            throw .corrupt("the chunk at offset \(position) declares \(length) bytes (at most 2^31 - 1)")
        }
        let isLetter: (UInt8) -> Bool = { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        guard (4..<8).allSatisfy({ isLetter(bytes[position + $0]) }) else {
            let hex = (4..<8).map { Hexadecimal.digits([bytes[position + $0]]) }.joined(separator: " ")
            throw .corrupt("the chunk at offset \(position) has type bytes \(hex), which are not four letters")
        }
        guard bytes.count - position - 12 >= length else {
            throw .truncated("the \(PNGChunk.name(type)) chunk at offset \(position)")
        }
        let covered = UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 8 + length)])
        let stored = bigEndianUInt32(bytes, at: position + 8 + length)
        let computed = CRC32.checksum(covered)
        guard stored == computed else {
            throw .checksumMismatch("the \(PNGChunk.name(type)) chunk at offset \(position) has CRC \(Hexadecimal.prefixed(stored)), its data's is \(Hexadecimal.prefixed(computed))")
        }
        let chunk = PNGChunk(type: type, offset: position,
                             data: UnsafeRawBufferPointer(rebasing: bytes[(position + 8)..<(position + 8 + length)]))
        position += 12 + length
        return chunk
    }
}
