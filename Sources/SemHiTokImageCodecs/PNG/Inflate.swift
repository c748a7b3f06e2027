import SemHiTokSupport

/// Decompresses zlib streams (RFC 1950) of deflate data (RFC 1951) into a buffer of fixed
/// size, checking everything Spec/png.md section 3 lists: the zlib header, every block's
/// structure and Huffman codes, distances, the Adler-32, that nothing follows the stream,
/// and that the output never exceeds the buffer (so a "zlib bomb" fails as soon as it would
/// write one byte too many, having allocated nothing more).
public enum Inflate {
    /// Decompresses the zlib stream `input` into `output` and returns the number of bytes
    /// produced. Throws `ImageDecodingProblem`: `truncated` when the input ends first,
    /// `checksumMismatch` for a wrong Adler-32, `corrupt` for anything else malformed,
    /// including a stream that would produce more than `output.count` bytes.
    public static func zlibDecompress(_ input: UnsafeRawBufferPointer,
                                      into output: UnsafeMutableBufferPointer<UInt8>) throws(ImageDecodingProblem) -> Int {
        guard input.count >= 2 else { throw .truncated("the zlib header") }
        let method = input[0], flags = input[1]
        guard method & 0x0F == 8 else { throw .corrupt("zlib compression method \(method & 0x0F) is not deflate (8)") }
        guard method >> 4 <= 7 else { throw .corrupt("zlib window size 2^\(Int(method >> 4) + 8) is above 32768") }
        guard (Int(method) << 8 | Int(flags)) % 31 == 0 else { throw .corrupt("the zlib header check fails") }
        guard flags & 0x20 == 0 else { throw .corrupt("the zlib stream needs a preset dictionary") }
        let window = 1 << (Int(method >> 4) + 8)

        var reader = InflateBitReader(UnsafeRawBufferPointer(rebasing: input[2...]))
        var produced = 0
        do {
            try withUnsafeTemporaryAllocation(of: UInt16.self, capacity: tableStorage) { (storage) throws(ImageDecodingProblem) in
                guard let base = storage.baseAddress else { return }
                var decoder = InflateBlockDecoder(storage: base, output: output, window: window)
                try decoder.decodeBlocks(&reader)
                produced = decoder.produced
            }
        } catch {
            throw reader.overran ? .truncated("the zlib stream") : error
        }
        guard !reader.overran else { throw .truncated("the zlib stream") }

        reader.alignToByte()
        let trailer = reader.bytePosition
        guard reader.count - trailer >= 4 else { throw .truncated("the Adler-32 at the end of the zlib stream") }
        let stored = bigEndianUInt32(input, at: 2 + trailer)
        let computed = Adler32.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: output[..<produced])))
        guard stored == computed else {
            throw .checksumMismatch("the zlib stream's Adler-32 is \(Hexadecimal.prefixed(stored)), its data's is \(Hexadecimal.prefixed(computed))")
        }
        let trailing = reader.count - trailer - 4
        guard trailing == 0 else { throw .corrupt("\(trailing) bytes follow the end of the zlib stream") }
        return produced
    }

    /// Decompresses the zlib stream `input`, which must produce at most `limit` bytes
    /// (a buffer of `limit` bytes is allocated first). Throws as the variant above.
    public static func zlibDecompress(_ input: [UInt8], limit: Int) throws(ImageDecodingProblem) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: limit)
        let produced = try input.withUnsafeBufferPointer { (source) throws(ImageDecodingProblem) -> Int in
            try output.withUnsafeMutableBufferPointer { (destination) throws(ImageDecodingProblem) -> Int in
                try zlibDecompress(UnsafeRawBufferPointer(source), into: destination)
            }
        }
        output.removeLast(limit - produced)
        return output
    }

    /// UInt16 words for the three tables of a dynamic block.
    static let tableStorage = HuffmanDecodingTable.storageSize(symbolCapacity: 288)
        + HuffmanDecodingTable.storageSize(symbolCapacity: 32)
        + HuffmanDecodingTable.storageSize(symbolCapacity: 19)
}
