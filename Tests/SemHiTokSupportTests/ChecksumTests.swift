import SemHiTok
@testable import SemHiTokSupport
import TestSupport
import Testing

/// CRC-32C and SHA-256 against published check values (Spec/weights.md sections 1 and 6).
struct ChecksumTests {
    @Test func crc32cMatchesTheCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// The iSCSI test vectors of RFC 3720, appendix B.4.
    @Test func crc32cMatchesRFC3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test func crc32cOfNothingIsZero() {
        #expect(CRC32C.checksum([]) == 0)
    }

    /// The eight-byte table path against the Spec's bit-at-a-time definition, for every
    /// length around the eight-byte steps and split into arbitrary pieces.
    @Test func crc32cAgreesWithTheBitwiseDefinition() {
        var generator = SplitMix64(seed: 7)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let split = length == 0 ? 0 : Int(generator.next() % UInt64(length))
            var crc = CRC32C()
            bytes[..<split].withUnsafeBytes { crc.update($0) }
            bytes[split...].withUnsafeBytes { crc.update($0) }
            #expect(crc.checksum == bitwiseCRC32C(bytes), "length \(length)")
        }
    }

    /// FIPS 180-4 example messages.
    @Test func sha256MatchesFIPSExamples() {
        #expect(Hexadecimal.digits(SHA256.digest(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hexadecimal.digits(SHA256.digest([]))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hexadecimal.digits(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hexadecimal.digits(SHA256.digest([UInt8](repeating: 0x61, count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
