/// Decodes Windows and OS/2 BMP files to 8-bit RGB with the pixels Pillow followed by the
/// SigLIP processor's `convert_to_rgb` gives (Spec/bmp.md): the header versions Pillow
/// reads, 1, 4, 8, 16, 24 and 32 bits per pixel, palettes, bottom-up and top-down rows,
/// BI_RLE8, BI_RLE4 and the bit-field layouts Pillow knows; an alpha channel is composited
/// over white. The size is checked against `ImageLimits` before any memory is allocated for
/// pixels.
public enum BMPDecoder {
    /// The RGB image in `bytes`, a BMP file. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) -> RGBImage in try decode(raw, limits: limits) }
        }.get()
    }

    /// The RGB image in `bytes`, a BMP file: `truncated`, `corrupt`, `unsupported` or
    /// `tooLarge` (beyond `limits`) when it cannot be decoded.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        let header = try BMPHeader(bytes, limits: limits)
        let width = header.width, height = header.height
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        switch header.compression {
        case .runLength8, .runLength4:
            let indices = try BMPRunLengthDecoder.decode(bytes, at: header.dataOffset, width: width, height: height,
                                                         nibbles: header.compression == .runLength4)
            indices.withUnsafeBytes { indices in
                convertRows(indices, stride: width, header: header, into: &pixels)
            }
        case .none, .bitFields:
            let stride = (width * header.bits + 31) / 32 * 4
            let rowBytes = (width * header.format.bitsPerPixel + 7) / 8
            guard rowBytes <= stride else {
                throw .corrupt("rows of \(rowBytes) bytes of grey samples do not fit the \(stride)-byte rows of \(header.bits)-bit pixels")
            }
            let end = header.dataOffset + (height - 1) * stride + rowBytes
            guard header.dataOffset <= bytes.count, end <= bytes.count else {
                throw .truncated("the pixel data (\(end) bytes of file needed, \(bytes.count) present)")
            }
            convertRows(UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset..<end]), stride: stride, header: header,
                        into: &pixels)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Converts the rows of `data`, `stride` bytes apart in the file's order, to RGB rows
    /// top to bottom.
    private static func convertRows(_ data: UnsafeRawBufferPointer, stride: Int, header: BMPHeader, into pixels: inout [UInt8]) {
        pixels.withUnsafeMutableBufferPointer { pixels in
            guard let source = data.baseAddress, let output = pixels.baseAddress else { return }
            for row in 0..<header.height {
                let y = header.topDown ? row : header.height - 1 - row
                header.format.convert(source + row * stride, width: header.width, into: output + 3 * header.width * y)
            }
        }
    }
}
