import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// Seeded random damage to valid files: whatever the bytes, reading either succeeds or
/// throws; it never crashes, hangs or reads out of bounds. Checksums are recomputed after
/// the damage where the layout allows, so that the parsers behind them are exercised too.
struct CorruptionTests {
    @Test func damagedWeightFilesNeverCrashTheReader() throws {
        let original = try readBytes(RepositoryPaths.golden("formats/example.shw"))
        let folder = try TemporaryDirectory()
        var generator = SplitMix64(seed: 21)
        for trial in 0..<3000 {
            var bytes = randomlyDamaged(original, using: &generator, fieldEdits: Self.fieldEdits)
            if trial % 2 == 0, bytes.count >= 32 {
                let headerLength = bytes.littleEndian(at: 16, as: UInt64.self)
                if headerLength <= UInt64(bytes.count - 32) {
                    let headerEnd = 32 + Int(headerLength)
                    bytes.setLittleEndian(UInt64(bytes.count), at: 24)
                    bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<headerEnd])), at: 12)
                }
            }
            let path = folder.file("damaged-\(trial % 4).shw")
            try writeBytes(bytes, to: path)
            if let file = try? WeightFile(contentsOf: path, verifyingTensorData: trial % 3 == 0) {
                for tensor in file.tensors {
                    _ = file.checksumMatches(tensor)
                    _ = try? file.floats(tensor.name)
                    _ = try? file.int32s(tensor.name)
                }
            }
        }
    }

    @Test func damagedTokenFilesNeverCrashTheReaders() throws {
        let originals = try ["example.sht", "example_unfinished.sht"].map { try readBytes(RepositoryPaths.golden("formats/" + $0)) }
        let folder = try TemporaryDirectory()
        var generator = SplitMix64(seed: 22)
        for trial in 0..<3000 {
            var bytes = randomlyDamaged(originals[trial % 2], using: &generator, fieldEdits: Self.fieldEdits)
            if trial % 3 != 0, bytes.count >= 64 {
                bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<64])), at: 12)
            }
            if trial % 3 == 1, bytes.count >= 96 {
                let start = Int(truncatingIfNeeded: bytes.littleEndian(at: bytes.count - 16, as: UInt64.self))
                if (64..<(bytes.count - 8)).contains(start) {
                    bytes.setLittleEndian(CRC32C.checksum(Array(bytes[start..<(bytes.count - 8)])), at: bytes.count - 8)
                }
            }
            let path = folder.file("damaged-\(trial % 4).sht")
            try writeBytes(bytes, to: path)
            if let file = try? TokenFile(contentsOf: path) {
                for index in 0..<file.recordCount { _ = try? file.record(at: index) }
            }
            if let stream = try? TokenStreamReader(path: path) {
                while case let record?? = try? stream.next() { _ = record }
            }
        }
    }

    /// Besides the generic edits: overwrite a little-endian 64-bit field with an extreme
    /// value, or a 32-bit one with a random value.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 63, 64, 0xFFFF, 1 << 31, 1 << 32, 1 << 62, UInt64(Int64.max), .max, .max - 63] as [UInt64], width: 8) { value in
            (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        },
        FieldEdit(width: 4) { bytes, position, generator in
            bytes.setLittleEndian(UInt32(truncatingIfNeeded: generator.next()), at: position)
        },
    ]
}
