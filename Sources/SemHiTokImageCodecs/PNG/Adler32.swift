/// Adler-32 (RFC 1950 section 8.2): two sums modulo 65521, `a` of the bytes plus one and
/// `b` of the successive values of `a`, checksum `b << 16 | a`. The check at the end of a
/// zlib stream, over the uncompressed data (Spec/png.md section 3).
public struct Adler32: Sendable {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    /// A checksum of no bytes yet.
    public init() {}

    /// The Adler-32 of everything passed to `update` so far.
    public var checksum: UInt32 { b << 16 | a }

    /// The Adler-32 of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.checksum
    }

    /// The Adler-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Extends the checksum with `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        // 5552 is the most bytes after which `b` still fits in 32 bits before the modulo
        // (zlib's NMAX): 255 n (n + 1) / 2 + (n + 1)(65520) < 2^32.
        let blockSize = 5552
        var (a, b) = (self.a, self.b)
        var position = 0
        let count = bytes.count
        while position < count {
            let end = min(position + blockSize, count)
            while position < end {
                a &+= UInt32(bytes[position])
                b &+= a
                position += 1
            }
            a %= 65521
            b %= 65521
        }
        (self.a, self.b) = (a, b)
    }
}
