/// One chunk of a PNG file (PNG specification, section 5.3): its four-letter type, where
/// it starts, and its data, whose CRC has been checked.
struct PNGChunk {
    /// The type's four ASCII letters as a big-endian number (`IHDR` is 0x49484452).
    let type: UInt32
    /// Offset of the chunk's length field in the file.
    let offset: Int
    /// The chunk's data, inside the file's bytes.
    let data: UnsafeRawBufferPointer

    static let header = PNGChunk.code("IHDR")
    static let palette = PNGChunk.code("PLTE")
    static let transparency = PNGChunk.code("tRNS")
    static let imageData = PNGChunk.code("IDAT")
    static let end = PNGChunk.code("IEND")

    /// The type as text, for messages.
    var name: String { PNGChunk.name(type) }

    /// Critical chunks (first letter upper case) must be understood to show the image.
    var isCritical: Bool { type & 0x2000_0000 == 0 }

    /// The type's letters as text.
    static func name(_ type: UInt32) -> String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: type >> UInt32(24 - 8 * $0)) }, as: UTF8.self)
    }

    private static func code(_ letters: StaticString) -> UInt32 {
        letters.withUTF8Buffer { $0.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }
}
