/// What the blocks of a GIF file up to its first image descriptor say (Spec/gif.md
/// sections 2 to 4): the logical screen, the colour tables, the transparent index of the
/// graphic control extensions before the image, the image's place, and where its LZW data
/// starts. Blocks after the first image are never read.
struct GIFFirstFrame {
    /// The logical screen's width and height, each 0 to 65535.
    var screenWidth = 0, screenHeight = 0
    /// The global colour table, if the screen descriptor has one.
    var globalTable: GIFColourTable?
    /// The transparent index of the last graphic control extension before the image that
    /// sets one; later ones without the flag do not clear it.
    var transparentIndex: Int?
    /// The image's left and top offsets and its width and height in the logical screen.
    var left = 0, top = 0, width = 0, height = 0
    /// Whether the rows are stored in the four interlaced passes.
    var interlaced = false
    /// The local colour table, if the image descriptor has one.
    var localTable: GIFColourTable?
    /// The LZW minimum code size, 0 to 12.
    var minimumCodeSize = 0
    /// The offset of the first data sub-block's length byte.
    var dataOffset = 0

    /// Reads the blocks of `bytes` up to the first image's LZW minimum code size.
    init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        var reader = GIFBlockReader(bytes: bytes)
        try readScreen(&reader)
        while true {
            guard let introducer = reader.byte() else { throw .truncated("the blocks before the first image") }
            switch introducer {
            case 0x2C:
                try readImageDescriptor(&reader)
                dataOffset = reader.position
                return
            case 0x21:
                try readExtension(&reader)
            case 0x3B:
                throw .corrupt("the trailer comes before any image")
            default:
                // Pillow skips any other byte between blocks, one at a time.
                continue
            }
        }
    }

    private mutating func readScreen(_ reader: inout GIFBlockReader) throws(ImageDecodingProblem) {
        let start = reader.bytes.prefix(6)
        guard "GIF87a".utf8.starts(with: start) || "GIF89a".utf8.starts(with: start) else {
            throw .corrupt("not a GIF file: it does not start with GIF87a or GIF89a")
        }
        guard let header = reader.bytes(13) else { throw .truncated("the GIF header and logical screen descriptor") }
        screenWidth = Int(header[6]) | Int(header[7]) << 8
        screenHeight = Int(header[8]) | Int(header[9]) << 8
        let flags = header[10]
        if flags & 0x80 != 0 {
            globalTable = try reader.colourTable(sizeBits: Int(flags & 7), "the global colour table")
        }
    }

    /// An extension: its label, then sub-blocks, read as Pillow reads them (section 4.2).
    private mutating func readExtension(_ reader: inout GIFBlockReader) throws(ImageDecodingProblem) {
        guard let label = reader.byte() else { throw .truncated("an extension's label") }
        let first = reader.subBlock()
        if label == 0xF9, let first {
            let cut = reader.position == reader.bytes.count
            guard first.count >= 3 else {
                throw cut ? .truncated("the graphic control extension")
                    : .corrupt("the graphic control extension has \(first.count) bytes, at least 3 are needed")
            }
            if first[0] & 1 != 0 {
                guard first.count >= 4 else {
                    throw cut ? .truncated("the graphic control extension")
                        : .corrupt("the graphic control extension sets a transparent colour but has only 3 bytes")
                }
                transparentIndex = Int(first[3])
            }
        }
        if label == 0xFE, first?.isEmpty ?? true { return }
        if label == 0xFF, let first, first.starts(with: "NETSCAPE2.0".utf8) { _ = reader.subBlock() }
        while let block = reader.subBlock(), !block.isEmpty {}
    }

    private mutating func readImageDescriptor(_ reader: inout GIFBlockReader) throws(ImageDecodingProblem) {
        guard let descriptor = reader.bytes(9) else { throw .truncated("the image descriptor") }
        left = Int(descriptor[0]) | Int(descriptor[1]) << 8
        top = Int(descriptor[2]) | Int(descriptor[3]) << 8
        width = Int(descriptor[4]) | Int(descriptor[5]) << 8
        height = Int(descriptor[6]) | Int(descriptor[7]) << 8
        guard width >= 1, height >= 1 else { throw .corrupt("the first image is \(width) x \(height) pixels") }
        let flags = descriptor[8]
        interlaced = flags & 0x40 != 0
        if flags & 0x80 != 0 {
            localTable = try reader.colourTable(sizeBits: Int(flags & 7), "the local colour table")
        }
        guard let codeSize = reader.byte() else { throw .truncated("the LZW minimum code size") }
        guard codeSize <= 12 else { throw .corrupt("the LZW minimum code size is \(codeSize), at most 12 is allowed") }
        minimumCodeSize = Int(codeSize)
    }
}

/// Reads bytes and data sub-blocks from a position in a GIF file.
struct GIFBlockReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next byte, or nil at the end of the data.
    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        position += 1
        return bytes[position - 1]
    }

    /// The next `count` bytes, or nil (reading nothing) if fewer are left.
    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard bytes.count - position >= count else { return nil }
        position += count
        return UnsafeRawBufferPointer(rebasing: bytes[(position - count)..<position])
    }

    /// The next data sub-block's bytes; nil for the terminator (a zero length) or at the end
    /// of the data. A sub-block cut by the end of the data gives the bytes there are.
    mutating func subBlock() -> UnsafeRawBufferPointer? {
        guard let length = byte(), length > 0 else { return nil }
        let end = min(bytes.count, position + Int(length))
        defer { position = end }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }

    /// A colour table of `2^(sizeBits + 1)` entries.
    mutating func colourTable(sizeBits: Int, _ what: String) throws(ImageDecodingProblem) -> GIFColourTable {
        guard let entries = bytes(3 << (sizeBits + 1)) else { throw .truncated(what) }
        return GIFColourTable(entries: Array(entries))
    }
}
