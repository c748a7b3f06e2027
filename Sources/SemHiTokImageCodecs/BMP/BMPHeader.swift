/// The headers of a BMP file as Pillow reads them (Spec/bmp.md sections 2 to 4): the file
/// header, the info header of one of the sizes Pillow knows, bit-field masks, the palette,
/// and from them the pixel format and where the pixel data starts.
struct BMPHeader {
    /// Compression methods of the info header that Pillow reads.
    enum Compression: Int {
        case none = 0, runLength8 = 1, runLength4 = 2, bitFields = 3
    }

    /// The info header sizes Pillow reads: BITMAPCOREHEADER (OS/2 1.x), BITMAPINFOHEADER,
    /// the V2 and V3 extensions of it, OS/2 2.x, BITMAPV4HEADER and BITMAPV5HEADER.
    static let infoHeaderSizes: Set<Int> = [12, 40, 52, 56, 64, 108, 124]

    let width: Int
    let height: Int
    /// Whether the first row of the data is the top one (a negative height).
    let topDown: Bool
    /// The bits per pixel the header declares, which set the row stride.
    let bits: Int
    let compression: Compression
    let format: BMPPixelFormat
    /// Where the pixel data starts in the file.
    let dataOffset: Int

    /// Reads the headers of `bytes`, checking the size against `limits` before reading the
    /// palette.
    init(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws(ImageDecodingProblem) {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "B"), bytes[1] == UInt8(ascii: "M") else {
            if bytes.isEmpty || bytes.count == 1 && bytes[0] == UInt8(ascii: "B") { throw .truncated("the BMP file header") }
            throw .corrupt("not a BMP file: it does not start with BM")
        }
        guard bytes.count >= 18 else { throw .truncated("the BMP file header") }
        let headerSize = littleEndian(bytes, at: 14, count: 4)
        guard Self.infoHeaderSizes.contains(headerSize) else {
            throw .unsupported("a BMP info header of \(headerSize) bytes (12, 40, 52, 56, 64, 108 and 124 are read)")
        }
        guard bytes.count >= 14 + headerSize else { throw .truncated("the \(headerSize)-byte BMP info header") }
        var position = 14 + headerSize
        let colourCount: Int
        let entrySize: Int
        let declaredCompression: Int
        if headerSize == 12 {
            width = littleEndian(bytes, at: 18, count: 2)
            height = littleEndian(bytes, at: 20, count: 2)
            topDown = false
            bits = littleEndian(bytes, at: 24, count: 2)
            declaredCompression = 0
            colourCount = 0
            entrySize = 3
        } else {
            width = littleEndian(bytes, at: 18, count: 4)
            // Pillow takes a height as negative only when its top byte is FF.
            let rawHeight = littleEndian(bytes, at: 22, count: 4)
            topDown = bytes[25] == 0xFF
            height = topDown ? (1 << 32) - rawHeight : rawHeight
            bits = littleEndian(bytes, at: 28, count: 2)
            declaredCompression = littleEndian(bytes, at: 30, count: 4)
            colourCount = littleEndian(bytes, at: 46, count: 4)
            entrySize = 4
        }
        try limits.check(width: width, height: height)

        guard [1, 4, 8, 16, 24, 32].contains(bits) else {
            throw .unsupported("\(bits) bits per pixel (1, 4, 8, 16, 24 and 32 are read)")
        }
        guard let compression = Compression(rawValue: declaredCompression) else {
            throw .unsupported("BMP compression \(declaredCompression) (0 none, 1 RLE8, 2 RLE4 and 3 bit fields are read)")
        }
        self.compression = compression
        var masks = [0, 0, 0, 0]
        if compression == .bitFields {
            // In the larger headers the masks are fields of the header (alpha from 56 bytes
            // on); a 40-byte header is followed by the red, green and blue masks.
            let count = headerSize >= 56 ? 4 : 3
            guard bytes.count >= 54 + 4 * count else { throw .truncated("the bit-field masks") }
            masks = (0..<count).map { littleEndian(bytes, at: 54 + 4 * $0, count: 4) } + (count == 3 ? [0] : [])
            if headerSize == 40 { position += 12 }
        }
        var offset = littleEndian(bytes, at: 10, count: 4)
        let colours = bits <= 8 ? (colourCount == 0 ? 1 << bits : colourCount) : 0
        if bits <= 8, offset == 14 + headerSize { offset += entrySize * colours }

        switch (compression, bits) {
        case (.bitFields, _):
            format = try Self.bitFieldFormat(bits: bits, masks: masks)
        case (.none, 32):
            format = .bytes(size: 4, red: 2, green: 1, blue: 0, alpha: nil)
        case (.none, 24):
            format = .bytes(size: 3, red: 2, green: 1, blue: 0, alpha: nil)
        case (.none, 16):
            format = .rgb555
        case (.runLength8, 16...), (.runLength4, 16...):
            throw .unsupported("run-length compression with \(bits) bits per pixel")
        default:
            format = try Self.paletteFormat(bytes, at: &position, colours: colours, entrySize: entrySize,
                                            bits: bits, runLength: compression != .none)
        }
        dataOffset = offset == 0 ? position : offset
    }

    /// The format bit-field masks give: only the layouts Pillow knows (Spec/bmp.md 4.2).
    private static func bitFieldFormat(bits: Int, masks: [Int]) throws(ImageDecodingProblem) -> BMPPixelFormat {
        switch (bits, masks[0], masks[1], masks[2]) {
        case (16, 0xF800, 0x07E0, 0x001F): return .rgb565
        case (16, 0x7C00, 0x03E0, 0x001F): return .rgb555
        case (24, 0xFF_0000, 0xFF00, 0xFF): return .bytes(size: 3, red: 2, green: 1, blue: 0, alpha: nil)
        default: break
        }
        let known: [[Int]] = [
            [0xFF_0000, 0xFF00, 0xFF, 0], [0xFF00_0000, 0xFF_0000, 0xFF00, 0], [0xFF00_0000, 0xFF00, 0xFF, 0],
            [0xFF00_0000, 0xFF_0000, 0xFF00, 0xFF], [0xFF, 0xFF00, 0xFF_0000, 0xFF00_0000],
            [0xFF_0000, 0xFF00, 0xFF, 0xFF00_0000], [0xFF00_0000, 0xFF00, 0xFF, 0xFF_0000],
        ]
        guard bits == 32, known.contains(masks) || masks == [0, 0, 0, 0] else {
            throw .unsupported("the bit-field masks \(masks.prefix(bits == 32 ? 4 : 3).map { "0x" + String($0, radix: 16) }) "
                + "with \(bits) bits per pixel")
        }
        // Pillow reads all-zero masks as B, G, R, A bytes.
        let channels = masks == [0, 0, 0, 0] ? [0xFF_0000, 0xFF00, 0xFF, 0xFF00_0000] : masks
        let byte = { (mask: Int) in mask.trailingZeroBitCount / 8 }
        return .bytes(size: 4, red: byte(channels[0]), green: byte(channels[1]), blue: byte(channels[2]),
                      alpha: channels[3] == 0 ? nil : byte(channels[3]))
    }

    /// The format of palette images: Pillow drops a palette that is black and white (at
    /// most 2 entries) or a grey ramp and reads the samples as 1-bit or 8-bit grey instead,
    /// whatever the bit depth (Spec/bmp.md 4.3). Run-length data decodes to 8-bit samples.
    /// A palette cut by the end of the file has the whole entries there are.
    private static func paletteFormat(_ bytes: UnsafeRawBufferPointer, at position: inout Int, colours: Int, entrySize: Int,
                                      bits: Int, runLength: Bool) throws(ImageDecodingProblem) -> BMPPixelFormat {
        guard (1...65_536).contains(colours) else { throw .corrupt("a palette of \(colours) colours (1 to 65536 are allowed)") }
        let available = max(0, min(entrySize * colours, bytes.count - position))
        let start = position
        position += available
        let isGrey = (0..<colours).allSatisfy { index in
            let value = UInt8(truncatingIfNeeded: colours == 2 ? index * 255 : index)
            return entrySize * index + 3 <= available && (0..<3).allSatisfy { bytes[start + entrySize * index + $0] == value }
        }
        if isGrey {
            let bilevel = colours <= 2
            let table = (0..<256).flatMap { value in repeatElement(UInt8(bilevel ? (value == 0 ? 0 : 255) : value), count: 3) }
            return .lookup(sampleBits: runLength || !bilevel ? 8 : 1, colours: table)
        }
        let entries = available / entrySize
        guard entries <= 256 else { throw .corrupt("a palette of \(entries) colours (Pillow reads at most 256)") }
        var table = [UInt8](repeating: 0, count: 3 * 256)
        for index in 0..<entries {
            table[3 * index] = bytes[start + entrySize * index + 2]
            table[3 * index + 1] = bytes[start + entrySize * index + 1]
            table[3 * index + 2] = bytes[start + entrySize * index]
        }
        return .lookup(sampleBits: runLength ? 8 : bits, colours: table)
    }
}

/// The little-endian unsigned number of `count` bytes at `offset` of `bytes`, which must
/// hold them.
func littleEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> Int {
    (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
}
