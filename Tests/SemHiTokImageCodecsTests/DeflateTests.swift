import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// The compressor: whatever the input, the inflater gives it back; repetitive data shrinks
/// and random data grows only by the stored blocks' overhead; the Huffman code lengths are
/// optimal within their limit.
struct DeflateTests {
    @Test func roundTripsAssortedInputs() throws {
        var generator = SplitMix64(seed: 31)
        let random = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 2000).utf8)
        let far = Array(random[..<32_768]) + Array(random[..<5000]) + [UInt8](repeating: 7, count: 1000)
        let runs = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 / 300) }
        let mixed = text + random + runs + far
        let inputs: [(String, [UInt8])] = [
            ("empty", []), ("one byte", [42]), ("two bytes", [1, 2]), ("three equal", [9, 9, 9]),
            ("zeros", [UInt8](repeating: 0, count: 100_000)), ("random", random), ("text", text),
            ("distance 32768", far), ("runs", runs), ("mixed", mixed),
        ]
        for (name, input) in inputs {
            let stream = Deflate.zlibCompress(input)
            #expect(try Inflate.zlibDecompress(stream, limit: input.count) == input, "\(name)")
        }
    }

    @Test func compressesRepetitiveDataToAFractionOfItsSize() {
        #expect(Deflate.zlibCompress([UInt8](repeating: 0, count: 100_000)).count < 300)
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 2000).utf8)
        #expect(Deflate.zlibCompress(text).count < text.count / 50)
    }

    /// Incompressible data goes into stored blocks: at most 5 bytes for each of the (at most
    /// 7) blocks of 16384 tokens, plus the 6 bytes of zlib framing.
    @Test func growsRandomDataOnlyByTheStoredBlockOverhead() {
        var generator = SplitMix64(seed: 32)
        let random = (0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        #expect(Deflate.zlibCompress(random).count <= random.count + 7 * 5 + 6)
    }

    @Test func buildsOptimalCodeLengths() {
        #expect(HuffmanCodeBuilder.codeLengths(frequencies: [1, 1, 2, 4], maximumLength: 15) == [3, 3, 2, 1])
        #expect(HuffmanCodeBuilder.codeLengths(frequencies: [1, 1, 2, 4], maximumLength: 2) == [2, 2, 2, 2])
        #expect(HuffmanCodeBuilder.codeLengths(frequencies: [10, 0, 10], maximumLength: 15) == [1, 0, 1])
    }

    /// Fibonacci frequencies would need 29-bit codes without the limit.
    @Test func keepsCodeLengthsWithinTheLimitAndTheCodeComplete() {
        var frequencies = [1, 1]
        while frequencies.count < 30 { frequencies.append(frequencies[frequencies.count - 1] + frequencies[frequencies.count - 2]) }
        let lengths = HuffmanCodeBuilder.codeLengths(frequencies: frequencies, maximumLength: 15)
        #expect(lengths.max() == 15)
        #expect(lengths.reduce(0) { $0 + 1 << (15 - Int($1)) } == 1 << 15)
    }

    @Test func givesALoneSymbolAPartnerSoTheCodeIsComplete() {
        #expect(HuffmanCodeBuilder.codeLengths(frequencies: [0, 0, 5, 0], maximumLength: 15) == [1, 0, 1, 0])
        #expect(HuffmanCodeBuilder.codeLengths(frequencies: [0, 0, 0], maximumLength: 7) == [1, 1, 0])
    }

    /// RFC 1951 section 3.2.2's example: lengths (2, 1, 3, 3) give codes 10, 0, 110, 111,
    /// written here bit-reversed.
    @Test func assignsCanonicalCodes() {
        #expect(HuffmanCodeBuilder.codes(lengths: [2, 1, 3, 3]) == [0b01, 0b0, 0b011, 0b111])
    }
}
