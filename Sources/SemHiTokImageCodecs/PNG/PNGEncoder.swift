import SemHiTokSupport

/// Writes 8-bit RGB PNG files (Spec/png.md section 7): signature, IHDR (colour type 2,
/// bit depth 8, not interlaced), IDAT chunks of at most 1 MiB holding one zlib stream of
/// the rows filtered by `PNGFilterSelection` and compressed by `Deflate`, and IEND. The
/// bytes depend only on the image.
public enum PNGEncoder {
    /// Largest IDAT payload written.
    static let imageDataChunkSize = 1 << 20

    /// The PNG file of `image`.
    public static func encode(_ image: RGBImage) -> [UInt8] {
        var file = PNGDecoder.signature
        var header: [UInt8] = []
        for value in [image.width, image.height] {
            header += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
        }
        header += [8, 2, 0, 0, 0]
        appendChunk("IHDR", header, to: &file)
        let stream = Deflate.zlibCompress(PNGFilterSelection.filteredRows(image))
        var start = 0
        repeat {
            let end = min(start + imageDataChunkSize, stream.count)
            appendChunk("IDAT", stream[start..<end], to: &file)
            start = end
        } while start < stream.count
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    private static func appendChunk<Data: Collection<UInt8>>(_ type: String, _ data: Data, to file: inout [UInt8]) {
        file += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: data.count >> $0) }
        let start = file.count
        file += Array(type.utf8)
        file += data
        let crc = file[start...].withUnsafeBytes { CRC32.checksum($0) }
        file += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> UInt32($0)) }
    }
}
