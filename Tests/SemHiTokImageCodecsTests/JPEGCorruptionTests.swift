import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid JPEG files: whatever the bytes, decoding either returns an
/// image of the declared size or throws; it never crashes, hangs or reads out of bounds.
struct JPEGCorruptionTests {
    @Test func damagedFilesNeverCrashTheDecoder() throws {
        let names = ["photo_33x17_q75_420_baseline.jpg", "photo_33x17_q95_444_progressive.jpg",
                     "noise_33x17_q75_444_restart5.jpg", "craft_progressive_successive.jpg",
                     "craft_mixed_sampling.jpg", "exif_orientation6.jpg", "grey_17x9_q50_progressive.jpg"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/jpeg/" + $0)) }
        var generator = SplitMix64(seed: 0x4A504547)
        var decoded = 0
        for trial in 0..<3500 {
            let damaged = randomlyDamaged(originals[trial % originals.count], using: &generator, fieldEdits: Self.fieldEdits)
            if let image = try? JPEGDecoder.decode(damaged, limits: ImageLimits(maximumPixelCount: 1 << 16)) {
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            }
        }
        // Damage inside entropy-coded data often still decodes: the test reaches both paths.
        #expect(decoded > 0)
    }

    /// Besides the generic edits: write a marker (FF and a code), set a big-endian 16-bit
    /// field to an extreme value, or overwrite a byte.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0xD0, 0xD3, 0xD8, 0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0xC0, 0xC2, 0x00, 0xFF] as [UInt8], width: 2) { [0xFF, $0] },
        .oneOf([0, 1, 2, 3, 0x00FF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF] as [UInt16], width: 2) { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
        FieldEdit(width: 1) { bytes, position, generator in bytes[position] = UInt8(truncatingIfNeeded: generator.next()) },
    ]
}
