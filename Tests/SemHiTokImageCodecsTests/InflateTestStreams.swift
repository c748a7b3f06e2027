import SemHiTok
@testable import SemHiTokImageCodecs
/// Deflate and zlib streams assembled bit by bit from RFC 1950 and RFC 1951, independently
/// of the library's compressor: the tool for making each malformed stream the inflater must
/// reject.
struct DeflateTestStream {
    private(set) var bytes: [UInt8] = []
    private var usedBits = 8

    /// Appends the low `count` bits of `value`, least significant first (header fields,
    /// extra bits).
    mutating func bits(_ value: Int, _ count: Int) {
        for bit in 0..<count { append(bit: value >> bit & 1) }
    }

    /// Appends a Huffman code of `length` bits, most significant bit first.
    mutating func code(_ code: Int, _ length: Int) {
        for bit in stride(from: length - 1, through: 0, by: -1) { append(bit: code >> bit & 1) }
    }

    /// Appends literal/length `symbol` in the fixed code (RFC 1951 section 3.2.6).
    mutating func fixedLiteral(_ symbol: Int) {
        switch symbol {
        case 0...143: code(0x30 + symbol, 8)
        case 144...255: code(0x190 + symbol - 144, 9)
        case 256...279: code(symbol - 256, 7)
        default: code(0xC0 + symbol - 280, 8)
        }
    }

    /// Appends distance `symbol` in the fixed code: five bits.
    mutating func fixedDistance(_ symbol: Int) {
        code(symbol, 5)
    }

    /// Pads the last byte with zero bits.
    mutating func alignToByte() {
        usedBits = 8
    }

    /// Appends whole bytes after aligning.
    mutating func append(bytes more: [UInt8]) {
        alignToByte()
        bytes += more
    }

    private mutating func append(bit: Int) {
        if usedBits == 8 {
            bytes.append(0)
            usedBits = 0
        }
        bytes[bytes.count - 1] |= UInt8(bit << usedBits)
        usedBits += 1
    }

    /// The zlib stream of the deflate data `deflate`: `header`, the data, and the Adler-32
    /// of `data` (the bytes the stream is meant to produce), big-endian.
    static func zlib(_ deflate: [UInt8], producing data: [UInt8], header: [UInt8] = [0x78, 0x01]) -> [UInt8] {
        let adler = adler32(data)
        return header + deflate + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: adler >> UInt32($0)) }
    }

    /// A "zlib bomb": one final fixed-Huffman block of a literal 0 and 40,000 matches of
    /// length 258 at distance 1 (13 bits each), about 65 KB that would expand to over 10 MB
    /// of zeros. The Adler-32 is that of no data: a decoder must stop at its limit first.
    static let zlibBomb: [UInt8] = {
        var stream = DeflateTestStream()
        stream.bits(1, 1)
        stream.bits(1, 2)
        stream.fixedLiteral(0)
        for _ in 0..<40_000 {
            stream.fixedLiteral(285)
            stream.fixedDistance(0)
        }
        stream.fixedLiteral(256)
        return zlib(stream.bytes, producing: [])
    }()

    /// A zlib stream holding `data` in stored blocks of at most 65535 bytes.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var stream = DeflateTestStream()
        var start = 0
        repeat {
            let length = min(65_535, data.count - start)
            stream.bits(start + length == data.count ? 1 : 0, 1)
            stream.bits(0, 2)
            stream.alignToByte()
            stream.bits(length, 16)
            stream.bits(~length & 0xFFFF, 16)
            stream.append(bytes: Array(data[start..<(start + length)]))
            start += length
        } while start < data.count
        return zlib(stream.bytes, producing: data)
    }

    /// Adler-32 by its definition, one byte and one modulo at a time.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var (a, b) = (UInt32(1), UInt32(0))
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    /// The canonical codes (most significant bit first) for code `lengths` (RFC 1951
    /// section 3.2.2).
    static func canonicalCodes(_ lengths: [Int]) -> [Int] {
        let maximum = lengths.max() ?? 0
        var counts = [Int](repeating: 0, count: maximum + 1)
        for length in lengths where length > 0 { counts[length] += 1 }
        var next = [Int](repeating: 0, count: maximum + 2)
        var code = 0
        for length in stride(from: 1, through: maximum, by: 1) {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            defer { next[length] += 1 }
            return next[length]
        }
    }
}
