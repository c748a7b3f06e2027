import SemHiTok

/// Recomputes the checksums of a mutated PNG file (Spec/png.md): the Adler-32 that ends the
/// zlib stream of the IDAT chunks, then every chunk's CRC-32. Chunks are found by their
/// length fields, as far as those fit in the bytes.
public enum PNGRepair {
    public static func repair(_ bytes: UnsafeMutableRawBufferPointer) {
        var chunks: [Chunk] = []
        var position = 8
        while bytes.count - position >= 12 {
            let length = Int(bytes.bigEndianUInt32(at: position))
            guard length <= bytes.count - position - 12 else { break }
            chunks.append(Chunk(offset: position, length: length, type: bytes.bigEndianUInt32(at: position + 4)))
            position += 12 + length
        }
        repairAdler32(bytes, chunks: chunks)
        for chunk in chunks {
            bytes.storeBigEndian(CRC32.checksum(bytes[bytes: (chunk.offset + 4)..<chunk.dataEnd]), at: chunk.dataEnd)
        }
    }

    private struct Chunk {
        var offset: Int
        var length: Int
        var type: UInt32
        var data: Range<Int> { (offset + 8)..<dataEnd }
        var dataEnd: Int { offset + 8 + length }
    }

    private static let headerType: UInt32 = 0x4948_4452  // IHDR
    private static let imageDataType: UInt32 = 0x4944_4154  // IDAT
    /// The most bytes the repair decompresses (twice): larger images keep their Adler-32.
    private static let outputLimit = 1 << 24

    /// Writes the Adler-32 of what the IDAT stream decompresses to into the stream's last
    /// four bytes, when the stream decompresses and only its Adler-32 is wrong.
    private static func repairAdler32(_ bytes: UnsafeMutableRawBufferPointer, chunks: [Chunk]) {
        guard let header = chunks.first, header.type == headerType, header.length == 13 else { return }
        let width = Int(bytes.bigEndianUInt32(at: header.offset + 8))
        let height = Int(bytes.bigEndianUInt32(at: header.offset + 12))
        // At most 8 bytes a pixel, and per row of each of the 7 interlace passes a filter
        // byte and a partly used byte.
        guard width <= outputLimit, height <= outputLimit else { return }
        let bound = width * height * 8 + 14 * height + 8
        guard bound <= outputLimit else { return }
        let imageData = chunks.filter { $0.type == imageDataType }
        var stream: [UInt8] = []
        for chunk in imageData { stream += bytes[bytes: chunk.data] }
        // zlibDecompress reports a wrong Adler-32 without the size of what it decompressed;
        // decompressed twice into buffers filled differently beforehand, the output ends
        // where the two first differ.
        guard let zeroFilled = decompressed(stream, capacity: bound, filledWith: 0),
              let oneFilled = decompressed(stream, capacity: bound, filledWith: 0xFF) else { return }
        let produced = (0..<bound).first { zeroFilled[$0] != oneFilled[$0] } ?? bound
        let adler = zeroFilled.withUnsafeBytes { Adler32.checksum(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
        // The stream's last four bytes, which may span IDAT chunks.
        var positions: [Int] = []
        for chunk in imageData.reversed() {
            for position in chunk.data.reversed() where positions.count < 4 { positions.append(position) }
        }
        for (index, position) in positions.enumerated() {
            bytes[position] = UInt8(truncatingIfNeeded: adler >> (8 * index))
        }
    }

    /// The output buffer after decompressing `stream`, if that fails on the Adler-32 alone.
    private static func decompressed(_ stream: [UInt8], capacity: Int, filledWith fill: UInt8) -> [UInt8]? {
        var output = [UInt8](repeating: fill, count: capacity)
        do {
            _ = try stream.withUnsafeBytes { input in
                try output.withUnsafeMutableBufferPointer { try Inflate.zlibDecompress(input, into: $0) }
            }
            return nil
        } catch ImageDecodingProblem.checksumMismatch {
            return output
        } catch {
            return nil
        }
    }
}
