import Testing
@testable import SemHiTok
import TestSupport

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
            let damaged = damage(originals[trial % originals.count], using: &generator)
            if let image = try? JPEGDecoder.decode(damaged, limits: ImageLimits(maximumPixelCount: 1 << 16)) {
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            }
        }
        // Damage inside entropy-coded data often still decodes: the test reaches both paths.
        #expect(decoded > 0)
    }

    /// One to four random edits: flip bits of a byte, write a marker (FF and a code), set a
    /// big-endian 16-bit field to an extreme value, cut the file, or insert random bytes.
    private func damage(_ original: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
            let position = Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 6 {
            case 0:
                bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            case 1 where position + 2 <= bytes.count:
                let codes: [UInt8] = [0xD0, 0xD3, 0xD8, 0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0xC0, 0xC2, 0x00, 0xFF]
                bytes[position] = 0xFF
                bytes[position + 1] = codes[Int(generator.next() % UInt64(codes.count))]
            case 2 where position + 2 <= bytes.count:
                let extremes: [UInt16] = [0, 1, 2, 3, 0x00FF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF]
                let value = extremes[Int(generator.next() % UInt64(extremes.count))]
                bytes[position] = UInt8(value >> 8)
                bytes[position + 1] = UInt8(value & 0xFF)
            case 3:
                bytes.removeLast(bytes.count - position)
            case 4:
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            default:
                let count = Int(generator.next() % 24)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: position)
            }
        }
        return bytes
    }
}
