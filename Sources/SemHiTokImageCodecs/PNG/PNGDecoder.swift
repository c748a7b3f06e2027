/// Decodes PNG files of every colour type, bit depth and interlacing to 8-bit RGB with the
/// pixels Pillow followed by the SigLIP processor's `convert_to_rgb` gives (Spec/png.md).
///
/// Everything is checked: signature, chunk lengths and CRCs, chunk order, the header's
/// values, the zlib stream (header, Huffman codes, distances, Adler-32, exact length),
/// filter types and palette indices. The size in the header is checked against
/// `ImageLimits` before any memory is allocated for pixels, and decompression stops as soon
/// as the data would exceed what the header implies.
public enum PNGDecoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The RGB image in the PNG file `bytes`. Throws `ImageDecodingProblem` (typed):
    /// `truncated`, `corrupt`, `checksumMismatch`, `unsupported` (an unknown critical chunk)
    /// or `tooLarge` (beyond `limits`), with a message naming what is wrong.
    public static func decode(_ bytes: UnsafeRawBufferPointer,
                              limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        let layout = try readChunks(bytes, limits: limits)
        let header = layout.header
        let size = try header.decompressedSize(limit: limits.maximumPixelCount)
        let (rgbSize, overflow) = (header.width * header.height).multipliedReportingOverflow(by: 3)
        guard !overflow else {
            throw .tooLarge(width: header.width, height: header.height, limit: limits.maximumPixelCount)
        }

        var data = [UInt8](repeating: 0, count: size)
        let produced = try data.withUnsafeMutableBufferPointer { (output) throws(ImageDecodingProblem) -> Int in
            if layout.imageData.count == 1 {
                return try Inflate.zlibDecompress(layout.imageData[0], into: output)
            }
            var stream: [UInt8] = []
            stream.reserveCapacity(layout.imageData.reduce(0) { $0 + $1.count })
            for part in layout.imageData { stream.append(contentsOf: part) }
            return try stream.withUnsafeBufferPointer { (input) throws(ImageDecodingProblem) -> Int in
                try Inflate.zlibDecompress(UnsafeRawBufferPointer(input), into: output)
            }
        }
        guard produced == size else {
            throw .corrupt("the image data holds \(produced) bytes, the header implies \(size)")
        }

        let converter = PNGPixelConverter(header: header, palette: layout.palette, transparency: layout.transparency)
        var pixels = [UInt8](repeating: 0, count: rgbSize)
        try data.withUnsafeMutableBufferPointer { (data) throws(ImageDecodingProblem) in
            try pixels.withUnsafeMutableBufferPointer { (pixels) throws(ImageDecodingProblem) in
                guard var passStart = data.baseAddress, let image = pixels.baseAddress else { return }
                for (number, pass, passWidth, passHeight) in header.passes {
                    let rowBytes = header.rowBytes(pixels: passWidth)
                    try PNGFilterReconstruction.reconstruct(passStart, rows: passHeight, rowBytes: rowBytes,
                                                            stride: header.filterStride,
                                                            pass: number)
                    for row in 0..<passHeight {
                        let y = pass.firstRow + row * pass.rowStep
                        try converter.convert(passStart + row * (rowBytes + 1) + 1, pixels: passWidth,
                                              into: image + 3 * (y * header.width + pass.firstColumn),
                                              stride: 3 * pass.columnStep)
                    }
                    passStart += passHeight * (rowBytes + 1)
                }
            }
        }
        return RGBImage(width: header.width, height: header.height, pixels: pixels)
    }

    /// The RGB image in the PNG file `bytes`; see `decode(_:limits:)` for the other variant.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try bytes.withUnsafeBufferPointer { (buffer) throws(ImageDecodingProblem) -> RGBImage in
            try decode(UnsafeRawBufferPointer(buffer), limits: limits)
        }
    }

    /// What the chunks of a file say, once their order and contents are checked.
    private struct Layout {
        var header: PNGHeader
        /// PLTE's data; in truecolour images a suggested palette, which is not used.
        var palette: UnsafeRawBufferPointer?
        var transparency: UnsafeRawBufferPointer?
        var imageData: [UnsafeRawBufferPointer] = []
    }

    /// Checks the signature and walks the chunks up to IEND (Spec/png.md section 2).
    private static func readChunks(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws(ImageDecodingProblem) -> Layout {
        let signatureLength = min(bytes.count, signature.count)
        guard bytes.prefix(signatureLength).elementsEqual(signature.prefix(signatureLength)) else {
            throw .corrupt("not a PNG file (the signature is wrong)")
        }
        guard bytes.count > signature.count else { throw .truncated("the PNG signature and IHDR chunk") }

        var reader = PNGChunkReader(bytes, from: signature.count)
        guard let first = try reader.next() else { throw .truncated("the IHDR chunk") }
        guard first.type == PNGChunk.header else { throw .corrupt("the first chunk is \(first.name), not IHDR") }
        var layout = Layout(header: try PNGHeader(first.data))
        let header = layout.header
        try limits.check(width: header.width, height: header.height)

        var imageDataEnded = false
        while true {
            guard let chunk = try reader.next() else { throw .truncated("the chunks (no IEND chunk)") }
            let afterImageData = !layout.imageData.isEmpty
            if afterImageData && chunk.type != PNGChunk.imageData { imageDataEnded = true }
            switch chunk.type {
            case PNGChunk.header:
                throw .corrupt("a second IHDR chunk at offset \(chunk.offset)")
            case PNGChunk.palette:
                guard !afterImageData else { throw .corrupt("the PLTE chunk follows IDAT") }
                guard layout.palette == nil else { throw .corrupt("a second PLTE chunk at offset \(chunk.offset)") }
                guard header.colourType != .greyscale && header.colourType != .greyscaleAlpha else {
                    throw .corrupt("a PLTE chunk in a greyscale image")
                }
                guard layout.transparency == nil else { throw .corrupt("the PLTE chunk follows tRNS") }
                guard chunk.data.count % 3 == 0, (3...768).contains(chunk.data.count) else {
                    throw .corrupt("the PLTE chunk has \(chunk.data.count) bytes, not 3 to 768 in steps of 3")
                }
                layout.palette = chunk.data
            case PNGChunk.transparency:
                guard !afterImageData else { throw .corrupt("the tRNS chunk follows IDAT") }
                guard layout.transparency == nil else { throw .corrupt("a second tRNS chunk at offset \(chunk.offset)") }
                switch header.colourType {
                case .greyscale:
                    guard chunk.data.count == 2 else { throw .corrupt("the tRNS chunk has \(chunk.data.count) bytes, not 2") }
                    layout.transparency = chunk.data
                case .truecolour:
                    guard chunk.data.count == 6 else { throw .corrupt("the tRNS chunk has \(chunk.data.count) bytes, not 6") }
                    layout.transparency = chunk.data
                case .indexed:
                    guard let palette = layout.palette else { throw .corrupt("the tRNS chunk comes before PLTE") }
                    guard chunk.data.count <= palette.count / 3 else {
                        throw .corrupt("the tRNS chunk has \(chunk.data.count) entries for \(palette.count / 3) palette entries")
                    }
                    layout.transparency = chunk.data
                case .greyscaleAlpha, .truecolourAlpha:
                    // Not allowed with an alpha channel; ignored, as Pillow and libpng do.
                    break
                }
            case PNGChunk.imageData:
                guard !imageDataEnded else { throw .corrupt("the IDAT chunks are not consecutive") }
                guard header.colourType != .indexed || layout.palette != nil else {
                    throw .corrupt("the indexed-colour image has no PLTE chunk before IDAT")
                }
                layout.imageData.append(chunk.data)
            case PNGChunk.end:
                guard afterImageData else { throw .corrupt("the file has no IDAT chunk") }
                guard chunk.data.isEmpty else { throw .corrupt("the IEND chunk holds \(chunk.data.count) bytes") }
                guard reader.remaining == 0 else { throw .corrupt("\(reader.remaining) bytes follow the IEND chunk") }
                return layout
            default:
                guard !chunk.isCritical else {
                    throw .unsupported("critical chunk \(chunk.name) is not part of the PNG standard")
                }
            }
        }
    }
}
