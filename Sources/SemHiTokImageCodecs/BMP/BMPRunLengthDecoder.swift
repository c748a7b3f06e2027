/// Decodes BI_RLE8 and BI_RLE4 pixel data into one index byte per pixel, rows in the file's
/// order, exactly as Pillow's decoder does (Spec/bmp.md section 6), including where it
/// departs from the format's description: runs are cut at the row's end, absolute runs may
/// cross rows, skipped pixels are index 0, and absolute runs are padded to an even
/// position in the file rather than in the pixel data.
enum BMPRunLengthDecoder {
    /// The `width * height` indices of the run-length data starting at `offset` of the file
    /// `bytes`; `nibbles` for BI_RLE4. Throws if the data ends, or ends the bitmap, before
    /// every pixel is given.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int, height: Int,
                       nibbles: Bool) throws(ImageDecodingProblem) -> [UInt8] {
        let total = width * height
        var indices = [UInt8](repeating: 0, count: total)
        var written = 0
        var x = 0
        var position = offset
        var endedBitmap = false
        indices.withUnsafeMutableBufferPointer { output in
            func put(_ value: UInt8) {
                output[written] = value
                written += 1
            }
            while written < total, bytes.count - position >= 2 {
                let count = Int(bytes[position])
                let value = bytes[position + 1]
                position += 2
                if count > 0 {
                    let run = min(max(0, width - x), count, total - written)
                    for index in 0..<run { put(nibbles ? (index % 2 == 0 ? value >> 4 : value & 0x0F) : value) }
                    x += run
                    continue
                }
                switch value {
                case 0:
                    written = (written + width - 1) / width * width
                    x = 0
                case 1:
                    endedBitmap = true
                    return
                case 2:
                    guard bytes.count - position >= 2 else { return }
                    let skip = Int(bytes[position]) + Int(bytes[position + 1]) * width
                    position += 2
                    written += min(total - written, skip)
                    x = written % width
                default:
                    let pixels = min(total - written, Int(value))
                    let needed = nibbles ? (pixels + 1) / 2 : pixels
                    let available = min(needed, bytes.count - position)
                    for index in 0..<available {
                        let byte = bytes[position + index]
                        if nibbles {
                            put(byte >> 4)
                            if 2 * index + 1 < pixels { put(byte & 0x0F) }
                        } else {
                            put(byte)
                        }
                    }
                    position += available
                    if available < needed || written == total { return }
                    x += Int(value)
                    position += position % 2
                }
            }
        }
        guard written == total else {
            throw endedBitmap ? .corrupt("the run-length data ends the bitmap after \(written) of the image's \(total) pixels")
                : .truncated("the run-length data, after \(written) of the image's \(total) pixels")
        }
        return indices
    }
}
