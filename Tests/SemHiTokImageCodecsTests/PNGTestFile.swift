import SemHiTok
@testable import SemHiTokImageCodecs
/// PNG files assembled chunk by chunk from the PNG specification, independently of the
/// library's encoder, with any field free to be wrong: the tool for making each malformed
/// file the decoder must reject.
enum PNGTestFile {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A chunk: big-endian length, type, data and CRC-32 (`crc` replaces the right one).
    static func chunk(_ type: String, _ data: [UInt8], crc: UInt32? = nil) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc ?? crc32(typed))
    }

    /// An IHDR chunk.
    static func header(width: Int, height: Int, bitDepth: Int = 8, colourType: Int = 2, compression: Int = 0,
                       filter: Int = 0, interlace: Int = 0) -> [UInt8] {
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height))
              + [bitDepth, colourType, compression, filter, interlace].map { UInt8($0) })
    }

    /// The signature followed by `chunks`.
    static func file(_ chunks: [[UInt8]]) -> [UInt8] {
        signature + chunks.joined()
    }

    /// A complete file: IHDR, `beforeData` chunks, one IDAT holding the stored zlib stream
    /// of `scanlines` (filter bytes included), IEND.
    static func file(width: Int, height: Int, bitDepth: Int = 8, colourType: Int = 2, interlace: Int = 0,
                     beforeData: [[UInt8]] = [], scanlines: [UInt8]) -> [UInt8] {
        file([header(width: width, height: height, bitDepth: bitDepth, colourType: colourType, interlace: interlace)]
             + beforeData + [chunk("IDAT", DeflateTestStream.storedZlib(scanlines)), chunk("IEND", [])])
    }

    /// CRC-32 by its definition, one bit at a time (reflected polynomial 0xEDB88320).
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
    }
}
