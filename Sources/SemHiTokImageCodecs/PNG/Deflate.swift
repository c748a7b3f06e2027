/// Compresses bytes into a zlib stream (RFC 1950, RFC 1951) as Spec/png.md section 7.2
/// describes: LZ77 over hash chains with one step of lazy matching, blocks of at most
/// 16384 tokens, each written with dynamic, fixed or stored coding, whichever is smallest.
/// The output depends only on the input: the same bytes always give the same stream.
public enum Deflate {
    /// Tokens (literals and matches) per block.
    static let tokensPerBlock = 16_384
    /// A match shorter than this is checked against the match one byte later.
    static let lazyLength = 32

    /// The zlib stream of `input`: header `78 9C`, deflate blocks, Adler-32.
    public static func zlibCompress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var writer = DeflateBitWriter()
        writer.write(0x78, bits: 8)
        writer.write(0x9C, bits: 8)
        compress(input, to: &writer)
        writer.alignToByte()
        let adler = Adler32.checksum(input)
        for shift in [24, 16, 8, 0] { writer.write(adler >> UInt32(shift) & 0xFF, bits: 8) }
        return writer.bytes
    }

    /// The zlib stream of `input`.
    public static func zlibCompress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { zlibCompress($0) }
    }

    /// Writes `input` as deflate blocks, the last one final.
    private static func compress(_ input: UnsafeRawBufferPointer, to writer: inout DeflateBitWriter) {
        guard let base = input.baseAddress, input.count > 0 else {
            DeflateBlockEncoder.write([], raw: input, final: true, to: &writer)
            return
        }
        let count = input.count
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: DeflateMatcher.hashSize)
        let prev = UnsafeMutablePointer<Int32>.allocate(capacity: DeflateTables.windowSize)
        defer {
            head.deallocate()
            prev.deallocate()
        }
        head.initialize(repeating: -1, count: DeflateMatcher.hashSize)
        prev.initialize(repeating: -1, count: DeflateTables.windowSize)
        var matcher = DeflateMatcher(data: base.assumingMemoryBound(to: UInt8.self), count: count, head: head, prev: prev)

        var tokens: [UInt32] = []
        tokens.reserveCapacity(tokensPerBlock)
        var blockStart = 0
        var position = 0
        // A match already found for `position` by the lazy look-ahead.
        var carried: (length: Int, distance: Int)?
        while position < count {
            var match = carried ?? matcher.search(at: position)
            carried = nil
            if match.length >= DeflateMatcher.minimumLength && match.length < lazyLength && position + 1 < count {
                let next = matcher.search(at: position + 1)
                if next.length > match.length {
                    carried = next
                    match = (0, 0)
                }
            }
            if match.length >= DeflateMatcher.minimumLength {
                tokens.append(UInt32(match.distance) << 16 | UInt32(match.length))
                position += match.length
                matcher.insert(upTo: position)
            } else {
                tokens.append(UInt32(input[position]))
                position += 1
            }
            if tokens.count == tokensPerBlock {
                DeflateBlockEncoder.write(tokens, raw: UnsafeRawBufferPointer(rebasing: input[blockStart..<position]),
                                          final: position == count, to: &writer)
                tokens.removeAll(keepingCapacity: true)
                blockStart = position
            }
        }
        if !tokens.isEmpty {
            DeflateBlockEncoder.write(tokens, raw: UnsafeRawBufferPointer(rebasing: input[blockStart..<position]),
                                      final: true, to: &writer)
        }
    }
}
