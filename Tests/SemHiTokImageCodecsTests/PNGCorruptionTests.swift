import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid PNGs: whatever the bytes, decoding either succeeds with an
/// image of the header's size or throws; it never crashes, hangs or reads out of bounds.
/// Half the damaged files get their chunk CRCs recomputed, so that the damage reaches the
/// header checks, the inflater, the filters and the pixel conversion.
struct PNGCorruptionTests {
    @Test func damagedFilesNeverCrashTheDecoder() throws {
        let names = ["palette8_trns_adam7.png", "rgb16_trns_lowbyte.png", "grey1_adam7_13x9.png", "rgba8_fixed_huffman.png",
                     "grey_alpha16_adam7.png", "rgb8_trns_split_idat.png", "palette8_stored.png", "rgb8_97x61_level9.png"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/png/fixtures/" + $0)) }
        var generator = SplitMix64(seed: 51)
        var decoded = 0
        for trial in 0..<4000 {
            var bytes = randomlyDamaged(originals[trial % originals.count], using: &generator, fieldEdits: Self.fieldEdits)
            if trial % 2 == 0 { fixChunkCRCs(&bytes) }
            if let image = try? PNGDecoder.decode(bytes) {
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            }
        }
        // Some damage (to pixel bytes of stored data, ancillary chunks) leaves valid files.
        #expect(decoded > 0)
    }

    /// Besides the generic edits: overwrite a big-endian 32-bit field with an extreme or a
    /// random value.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 100_000, 65_535] as [UInt32], width: 4, encode: PNGTestFile.bigEndian),
        FieldEdit(width: 4) { bytes, position, generator in
            bytes.replaceSubrange(position..<(position + 4), with: PNGTestFile.bigEndian(UInt32(truncatingIfNeeded: generator.next())))
        },
    ]

    /// Recomputes the CRC of every chunk whose length still fits in the file.
    private func fixChunkCRCs(_ bytes: inout [UInt8]) {
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard bytes.count - offset - 12 >= length else { return }
            let crc = CRC32.checksum(Array(bytes[(offset + 4)..<(offset + 8 + length)]))
            bytes.replaceSubrange((offset + 8 + length)..<(offset + 12 + length), with: PNGTestFile.bigEndian(crc))
            offset += 12 + length
        }
    }
}
