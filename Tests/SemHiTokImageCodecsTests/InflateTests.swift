import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// The inflater on its own: every stream Python's zlib made in `golden/images/png/zlib`
/// (levels 0, 1, 6, 9, fixed Huffman, Huffman only, RLE, a small window, flushes, far
/// matches, no data), the output bound, truncation, and one hand-made stream per error.
struct InflateTests {
    private static let folder = RepositoryPaths.golden("images/png/zlib/")

    /// (file name, uncompressed size, SHA-256) of each committed stream.
    private static func streams() throws -> [(name: String, size: Int, sha256: String)] {
        let text = String(decoding: try readBytes(folder + "expected.tsv"), as: UTF8.self)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 3, let size = Int(fields[1]) else { return nil }
            return (fields[0], size, fields[2])
        }
    }

    @Test func decompressesEveryPythonZlibStream() throws {
        let streams = try Self.streams()
        #expect(streams.count == 11)
        for stream in streams {
            let output = try Inflate.zlibDecompress(try readBytes(Self.folder + stream.name), limit: stream.size)
            #expect(output.count == stream.size, "\(stream.name)")
            #expect(sha256Text(output) == stream.sha256, "\(stream.name)")
        }
    }

    /// A buffer one byte too small is an error at the byte that does not fit.
    @Test func refusesToProduceMoreThanTheBufferHolds() throws {
        for stream in try Self.streams() where stream.size > 0 {
            let bytes = try readBytes(Self.folder + stream.name)
            #expect(throws: ImageDecodingProblem.corrupt("the zlib stream holds more than the \(stream.size - 1) bytes expected"),
                    "\(stream.name)") { try Inflate.zlibDecompress(bytes, limit: stream.size - 1) }
        }
    }

    /// 65 KB of fixed-Huffman matches (13 bits each) that would expand to 10 MB stop at the limit.
    @Test func stopsAZlibBombAtTheLimit() {
        #expect(DeflateTestStream.zlibBomb.count < 66_000)
        #expect(throws: ImageDecodingProblem.corrupt("the zlib stream holds more than the 1000 bytes expected")) {
            try Inflate.zlibDecompress(DeflateTestStream.zlibBomb, limit: 1000)
        }
    }

    @Test func reportsEveryCutOfAStreamAsTruncated() throws {
        let stream = try readBytes(Self.folder + "level6.zlib")
        let cuts = Array(0..<64) + Array(stride(from: 64, to: stream.count - 64, by: 61)) + Array((stream.count - 64)..<stream.count)
        #expect(cutsNotReportedAsTruncated(stream, at: cuts, label: "level6.zlib") { (cut: [UInt8]) throws(ImageDecodingProblem) in
            _ = try Inflate.zlibDecompress(cut, limit: 24_576)
        } == [])
    }

    @Test func rejectsBadZlibHeaders() {
        let cases: [([UInt8], ImageDecodingProblem)] = [
            ([0x78], .truncated("the zlib header")),
            ([0x77, 0x01, 0x03, 0x00], .corrupt("zlib compression method 7 is not deflate (8)")),
            ([0x88, 0x01, 0x03, 0x00], .corrupt("zlib window size 2^16 is above 32768")),
            ([0x78, 0x00, 0x03, 0x00], .corrupt("the zlib header check fails")),
            ([0x78, 0x20, 0x03, 0x00], .corrupt("the zlib stream needs a preset dictionary")),
        ]
        for (stream, problem) in cases {
            #expect(throws: problem, "\(stream)") { try Inflate.zlibDecompress(stream, limit: 10) }
        }
    }

    @Test func rejectsTheReservedBlockType() {
        var stream = DeflateTestStream()
        stream.bits(1, 1)
        stream.bits(3, 2)
        expect(stream, producing: [], toFailWith: .corrupt("deflate block type 3 is reserved"))
    }

    @Test func rejectsAStoredBlockWhoseLengthDoesNotMatchItsComplement() {
        var stream = DeflateTestStream()
        stream.bits(1, 1)
        stream.bits(0, 2)
        stream.append(bytes: [5, 0, 0, 0, 1, 2, 3, 4, 5])
        expect(stream, producing: [1, 2, 3, 4, 5], toFailWith: .corrupt("a stored block's length 5 does not match its complement"))
    }

    @Test func reportsAShortStoredBlockAsTruncated() {
        let stream: [UInt8] = [0x78, 0x01, 0x01, 10, 0, 0xF5, 0xFF, 1, 2, 3]
        #expect(throws: ImageDecodingProblem.truncated("a stored block")) { try Inflate.zlibDecompress(stream, limit: 10) }
    }

    @Test func rejectsAnOverSubscribedCodeLengthCode() {
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: Dictionary(uniqueKeysWithValues: (0..<19).map { ($0, 1) }))
        stream.bits(0, 16)
        expect(stream, producing: [], toFailWith: .corrupt("the code-length code is over-subscribed"))
    }

    @Test func rejectsAnIncompleteCodeLengthCode() {
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: [0: 1])
        stream.bits(0, 16)
        expect(stream, producing: [], toFailWith: .corrupt("the code-length code is incomplete"))
    }

    @Test func rejectsAnOverSubscribedLiteralLengthCode() {
        // 258 lengths of 1 bit: 257 literal/length codes and one distance code.
        let lengths = [0: 2, 1: 1, 18: 2]
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: lengths)
        for _ in 0..<258 { writeLength(1, lengths, &stream) }
        expect(stream, producing: [], toFailWith: .corrupt("the literal/length code is over-subscribed"))
    }

    @Test func rejectsAnIncompleteLiteralLengthCode() {
        // Symbols 0 and 256 with two bits each use half of the code space.
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: Self.fourSymbols)
        writeLength(2, Self.fourSymbols, &stream)
        writeZeros(255, Self.fourSymbols, &stream)
        writeLength(2, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        expect(stream, producing: [], toFailWith: .corrupt("the literal/length code is incomplete"))
    }

    @Test func rejectsACodeWithoutTheEndOfBlockSymbol() {
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: Self.fourSymbols)
        writeLength(1, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        writeZeros(255, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        expect(stream, producing: [], toFailWith: .corrupt("the end-of-block symbol has no code"))
    }

    @Test func rejectsARepeatWithNoPreviousLength() {
        let lengths = [0: 1, 16: 1]
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: lengths)
        writeSymbol(16, lengths, &stream)
        stream.bits(0, 2)
        stream.bits(0, 16)
        expect(stream, producing: [], toFailWith: .corrupt("a code-length repeat has no previous length"))
    }

    @Test func rejectsRepeatsPastTheLastCode() {
        let lengths = [0: 1, 18: 1]
        var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: lengths)
        for _ in 0..<2 {
            writeSymbol(18, lengths, &stream)
            stream.bits(127, 7)
        }
        stream.bits(0, 16)
        expect(stream, producing: [], toFailWith: .corrupt("code-length repeats run past the last code"))
    }

    @Test func rejectsTooManyLiteralOrDistanceCodes() {
        for (fields, problem) in [((30, 0), ImageDecodingProblem.corrupt("a dynamic block declares 287 literal/length codes (at most 286)")),
                                  ((0, 30), .corrupt("a dynamic block declares 31 distance codes (at most 30)"))] {
            var stream = DeflateTestStream()
            stream.bits(1, 1)
            stream.bits(2, 2)
            stream.bits(fields.0, 5)
            stream.bits(fields.1, 5)
            stream.bits(0, 4 + 32)
            expect(stream, producing: [], toFailWith: problem)
        }
    }

    @Test func rejectsTheUnusedFixedCodeSymbols() {
        var literal = fixedBlock()
        literal.fixedLiteral(286)
        expect(literal, producing: [], toFailWith: .corrupt("literal/length symbol 286 is not allowed"))
        var distance = fixedBlock()
        distance.fixedLiteral(65)
        distance.fixedLiteral(257)
        distance.fixedDistance(30)
        expect(distance, producing: [], toFailWith: .corrupt("distance symbol 30 is not allowed"))
    }

    @Test func rejectsADistanceBeforeTheStartOfTheData() {
        var stream = fixedBlock()
        stream.fixedLiteral(65)
        stream.fixedLiteral(257)
        stream.fixedDistance(1)
        stream.fixedLiteral(256)
        expect(stream, producing: [65, 65, 65, 65], toFailWith: .corrupt("a match reaches back 2 bytes, before the start of the data"))
    }

    /// A header declaring a 256-byte window (CINFO 0) limits distances to 256, as zlib does.
    @Test func rejectsADistanceBeyondTheDeclaredWindow() {
        var stream = fixedBlock()
        for _ in 0..<300 { stream.fixedLiteral(120) }
        stream.fixedLiteral(257)
        stream.fixedDistance(16)
        stream.bits(0, 7)
        stream.fixedLiteral(256)
        let zlib = DeflateTestStream.zlib(stream.bytes, producing: [UInt8](repeating: 120, count: 303), header: [0x08, 0x1D])
        #expect(throws: ImageDecodingProblem.corrupt("a match reaches back 257 bytes, beyond the 256-byte window")) {
            try Inflate.zlibDecompress(zlib, limit: 1000)
        }
    }

    /// A single one-bit distance code leaves the code "1" unassigned.
    @Test func rejectsAnUnassignedCode() {
        var stream = dynamicHeader(literalCount: 258, distanceCount: 1, codeLengthLengths: Self.fourSymbols)
        writeZeros(256, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        writeLength(1, Self.fourSymbols, &stream)
        stream.code(1, 1)
        stream.code(1, 1)
        expect(stream, producing: [], toFailWith: .corrupt("invalid Huffman code"))
    }

    @Test func acceptsASingleOneBitDistanceCodeAndAnEmptyOne() throws {
        // Literal/length: 65 and 256 with one bit each; then 'A', end of block.
        for distanceLength in [1, 0] {
            var stream = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: Self.fourSymbols)
            writeZeros(65, Self.fourSymbols, &stream)
            writeLength(1, Self.fourSymbols, &stream)
            writeZeros(190, Self.fourSymbols, &stream)
            writeLength(1, Self.fourSymbols, &stream)
            writeLength(distanceLength, Self.fourSymbols, &stream)
            stream.code(0, 1)
            stream.code(1, 1)
            let zlib = DeflateTestStream.zlib(stream.bytes, producing: [65])
            #expect(try Inflate.zlibDecompress(zlib, limit: 1) == [65], "distance code length \(distanceLength)")
        }
    }

    @Test func rejectsAWrongAdler32() {
        var stream = DeflateTestStream.storedZlib([104, 105])
        stream[stream.count - 1] ^= 1
        #expect(throws: ImageDecodingProblem.checksumMismatch("the zlib stream's Adler-32 is 0x013b00d3, its data's is 0x013b00d2")) {
            try Inflate.zlibDecompress(stream, limit: 2)
        }
    }

    @Test func rejectsBytesAfterTheStream() {
        let stream = DeflateTestStream.storedZlib([104, 105]) + [0, 0]
        #expect(throws: ImageDecodingProblem.corrupt("2 bytes follow the end of the zlib stream")) {
            try Inflate.zlibDecompress(stream, limit: 2)
        }
    }

    @Test func decodesStoredFixedAndDynamicBlocksInOneStream() throws {
        let data: [UInt8] = Array("abcabcabcX".utf8)
        var stream = DeflateTestStream()
        stream.bits(0, 1)
        stream.bits(0, 2)
        stream.append(bytes: [3, 0, 0xFC, 0xFF] + data[0..<3])
        stream.bits(0, 1)
        stream.bits(1, 2)
        stream.fixedLiteral(257 + 3)
        stream.fixedDistance(2)
        stream.fixedLiteral(256)
        // Dynamic: 'X' (88) and 256 with one bit each.
        var dynamic = dynamicHeader(literalCount: 257, distanceCount: 1, codeLengthLengths: Self.fourSymbols, into: stream)
        writeZeros(88, Self.fourSymbols, &dynamic)
        writeLength(1, Self.fourSymbols, &dynamic)
        writeZeros(167, Self.fourSymbols, &dynamic)
        writeLength(1, Self.fourSymbols, &dynamic)
        writeLength(0, Self.fourSymbols, &dynamic)
        dynamic.code(0, 1)
        dynamic.code(1, 1)
        #expect(try Inflate.zlibDecompress(DeflateTestStream.zlib(dynamic.bytes, producing: data), limit: 10) == data)
    }

    // MARK: - Building streams

    /// A code-length code giving symbols 0, 1, 2 and 18 two bits each.
    private static let fourSymbols = [0: 2, 1: 2, 2: 2, 18: 2]

    private func fixedBlock() -> DeflateTestStream {
        var stream = DeflateTestStream()
        stream.bits(1, 1)
        stream.bits(1, 2)
        return stream
    }

    /// A final dynamic block's header up to the code-length code, which lists all 19
    /// lengths (`codeLengthLengths[symbol]`, missing ones 0), appended to `stream`.
    private func dynamicHeader(literalCount: Int, distanceCount: Int, codeLengthLengths: [Int: Int],
                               into stream: DeflateTestStream = DeflateTestStream()) -> DeflateTestStream {
        var stream = stream
        stream.bits(1, 1)
        stream.bits(2, 2)
        stream.bits(literalCount - 257, 5)
        stream.bits(distanceCount - 1, 5)
        stream.bits(15, 4)
        for symbol in DeflateTables.codeLengthOrder { stream.bits(codeLengthLengths[symbol] ?? 0, 3) }
        return stream
    }

    /// Writes code-length `symbol` in the code of `lengths`.
    private func writeSymbol(_ symbol: Int, _ lengths: [Int: Int], _ stream: inout DeflateTestStream) {
        let all = (0..<19).map { lengths[$0] ?? 0 }
        stream.code(DeflateTestStream.canonicalCodes(all)[symbol], all[symbol])
    }

    private func writeLength(_ length: Int, _ lengths: [Int: Int], _ stream: inout DeflateTestStream) {
        writeSymbol(length, lengths, &stream)
    }

    /// Writes `count` zero lengths with symbol 18 (11 to 138 each) and single zeros.
    private func writeZeros(_ count: Int, _ lengths: [Int: Int], _ stream: inout DeflateTestStream) {
        var left = count
        while left >= 11 {
            let run = min(left, 138)
            writeSymbol(18, lengths, &stream)
            stream.bits(run - 11, 7)
            left -= run
        }
        for _ in 0..<left { writeSymbol(0, lengths, &stream) }
    }

    /// Expects the zlib stream of `stream` (with the Adler-32 of `data`, so that the input
    /// does not run out before the error) to fail with `problem`.
    private func expect(_ stream: DeflateTestStream, producing data: [UInt8], toFailWith problem: ImageDecodingProblem,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let zlib = DeflateTestStream.zlib(stream.bytes, producing: data)
        #expect(throws: problem, sourceLocation: sourceLocation) { try Inflate.zlibDecompress(zlib, limit: 1000) }
    }
}
