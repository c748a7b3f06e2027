import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// CRC-32 (chunks) and Adler-32 (zlib streams): check values, and agreement with their
/// bit-by-bit definitions at lengths that exercise every tail and block boundary.
struct PNGChecksumTests {
    @Test func crc32MatchesItsCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func crc32MatchesTheBitwiseDefinitionAtEveryLength() {
        var generator = SplitMix64(seed: 41)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for length in Array(0..<40) + [63, 64, 65, 255, 300] {
            #expect(CRC32.checksum(Array(data[..<length])) == PNGTestFile.crc32(Array(data[..<length])), "\(length)")
        }
    }

    @Test func adler32MatchesItsCheckValue() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([]) == 1)
    }

    /// All-0xFF input makes the sums grow fastest, so the deferred modulo is tested at its
    /// limit (5552 bytes) and beyond.
    @Test func adler32MatchesTheDefinitionAcrossItsBlocks() {
        for length in [1, 5551, 5552, 5553, 11_104, 20_000] {
            let data = [UInt8](repeating: 0xFF, count: length)
            #expect(Adler32.checksum(data) == DeflateTestStream.adler32(data), "\(length)")
        }
    }
}
