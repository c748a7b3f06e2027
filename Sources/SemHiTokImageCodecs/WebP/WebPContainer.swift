/// The RIFF container of a WebP file, checked as libwebp's demuxer (which Pillow's
/// decoder uses) checks it, and the first frame's chunks (Spec/webp.md section 2).
///
/// Chunks are a four-character code, a little-endian 32-bit payload size and the payload,
/// padded to an even length. Every size is checked against the RIFF chunk's end before it
/// is used; nothing is allocated in proportion to any size here.
struct WebPContainer {
    /// The canvas: the VP8X chunk's, or the image's for a simple file.
    let canvasWidth: Int
    let canvasHeight: Int
    /// Whether Pillow gives the image an alpha band (section 2.6), so that it is composited
    /// over white; otherwise the decoded alpha is dropped.
    let hasAlpha: Bool
    /// The first frame: where it lies on the canvas and its chunks.
    let firstFrame: WebPFrameChunks
    /// The first frame's image chunk.
    let firstImage: WebPImageChunk

    /// libwebp's largest chunk payload, and its bound on a canvas's or frame's area.
    static let maximumPayload: UInt32 = 0xFFFF_FFF6
    static let maximumArea = 1 << 32
    /// VP8X flag bits: animation, XMP, EXIF, alpha, ICC profile; the others must be 0.
    static let animationFlag: UInt8 = 0x02
    static let alphaFlag: UInt8 = 0x10
    static let validFlags: UInt8 = 0x3E

    init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        guard bytes.count >= 12 else { throw .truncated("the RIFF header") }
        guard bytes.starts(with: "RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else {
            throw .corrupt("not a WebP file: it does not start with RIFF....WEBP")
        }
        let riffSize = Self.uint32(bytes, at: 4)
        guard riffSize >= 12 else { throw .corrupt("the RIFF size is \(riffSize), at least 12 is needed") }
        guard riffSize <= Self.maximumPayload else { throw .corrupt("the RIFF size \(riffSize) is beyond libwebp's limit") }
        let end = Int(riffSize) + 8
        guard bytes.count >= end else { throw .truncated("the RIFF chunk: the file has \(bytes.count) of its \(end) bytes") }
        // Bytes after the RIFF chunk are ignored; at least one chunk header fits before it.
        var parser = WebPChunkParser(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), position: 12)
        switch parser.fourCC(at: 12) {
        case "VP8 ", "VP8L":
            let frame = try parser.frame(number: 1, minimumSize: 0)
            guard let image = frame.image else { throw .corrupt("the file has no image chunk") }
            canvasWidth = image.width
            canvasHeight = image.height
            hasAlpha = image.lossless && image.alphaIsUsed
            firstFrame = frame.droppingAlpha()
            firstImage = image
        case "VP8X":
            (canvasWidth, canvasHeight, hasAlpha, firstFrame, firstImage) = try Self.extended(&parser)
        case let other:
            throw .corrupt("the first chunk is '\(other)', not VP8, VP8L or VP8X")
        }
    }

    /// The extended format: the VP8X chunk, then the other chunks of the file.
    private static func extended(_ parser: inout WebPChunkParser) throws(ImageDecodingProblem)
        -> (width: Int, height: Int, hasAlpha: Bool, firstFrame: WebPFrameChunks, firstImage: WebPImageChunk)
    {
        let bytes = parser.bytes
        let size = uint32(bytes, at: 16)
        guard size == 10 else { throw .corrupt("the VP8X chunk has \(size) bytes, 10 are required") }
        guard bytes.count - 20 >= 10 else { throw .corrupt("the VP8X chunk runs past the RIFF chunk") }
        let flags = bytes[20]
        let width = uint24(bytes, at: 24) + 1
        let height = uint24(bytes, at: 27) + 1
        guard width * height < maximumArea else { throw .corrupt("the canvas is \(width) x \(height), beyond libwebp's limit") }
        guard bytes.count - 30 >= 8 else { throw .corrupt("the file ends after its VP8X chunk") }
        let isAnimation = flags & animationFlag != 0
        parser.position = 30
        var frames: [WebPFrameChunks] = []
        var sawANIM = false
        var alphaBeforeImage = false
        repeat {
            let chunkStart = parser.position
            let (fourCC, size, padded) = try parser.chunkHeader()
            switch fourCC {
            case "VP8X":
                throw .corrupt("a second VP8X chunk")
            case "ALPH", "VP8 ", "VP8L":
                guard !isAnimation, !sawANIM else { throw .corrupt("a '\(fourCC)' chunk outside ANMF in an animation") }
                guard frames.isEmpty else { throw .corrupt("a second image in a still image") }
                parser.position = chunkStart
                let frame = try parser.frame(number: 1, minimumSize: 0)
                alphaBeforeImage = frame.alpha != nil
                frames.append(flags & alphaFlag != 0 ? frame : frame.droppingAlpha())
            case "ANIM":
                guard padded >= 6 else { throw .corrupt("the ANIM chunk has \(size) bytes, at least 6 are needed") }
                sawANIM = true
                parser.position += padded
            case "ANMF":
                guard sawANIM else { throw .corrupt("an ANMF chunk before the ANIM chunk") }
                if let frame = try parser.animationFrame(size: padded, number: frames.count + 1), isAnimation {
                    guard frames.last.map({ $0.image != nil }) ?? true else { throw .corrupt("a frame follows one without an image chunk") }
                    frames.append(frame)
                }
            default:
                // ICCP, EXIF, XMP and unknown chunks are skipped.
                parser.position += padded
            }
            guard parser.position == bytes.count || bytes.count - parser.position >= 8 else {
                throw .corrupt("\(bytes.count - parser.position) bytes after the last chunk, too few for a chunk header")
            }
        } while parser.position < bytes.count

        guard flags & ~validFlags == 0 else { throw .corrupt("the VP8X flags are 0x\(String(flags, radix: 16)), unknown bits are set") }
        guard let first = frames.first, let firstImage = first.image else {
            throw .corrupt(frames.isEmpty ? "the file has no frame" : "frame 1 has no image chunk")
        }
        for frame in frames {
            guard let image = frame.image else { throw .corrupt("frame \(frame.number) has no image chunk") }
            if let alpha = frame.alpha, alpha.lowerBound > image.payload.lowerBound {
                throw .corrupt("frame \(frame.number)'s ALPH chunk follows its image chunk")
            }
            if isAnimation {
                guard frame.x + image.width <= width, frame.y + image.height <= height else {
                    throw .corrupt("frame \(frame.number) (\(image.width) x \(image.height) at \(frame.x), \(frame.y)) leaves the \(width) x \(height) canvas")
                }
            } else {
                guard image.width == width, image.height == height else {
                    throw .corrupt("the image is \(image.width) x \(image.height), the VP8X canvas \(width) x \(height)")
                }
            }
        }
        let hasAlpha: Bool
        if isAnimation {
            hasAlpha = flags & alphaFlag != 0
        } else if firstImage.lossless {
            hasAlpha = firstImage.alphaIsUsed
        } else {
            hasAlpha = flags & alphaFlag != 0 || alphaBeforeImage
        }
        return (width, height, hasAlpha, first, firstImage)
    }

    static func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    static func uint24(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
        (0..<3).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }
}

/// The image of a frame: its image chunk's payload (with the padding byte, as libwebp
/// hands it to the decoder) and the size its bitstream header gives.
struct WebPImageChunk {
    let payload: Range<Int>
    let lossless: Bool
    let width: Int
    let height: Int
    /// The VP8L header's alpha hint (false for VP8).
    let alphaIsUsed: Bool
}

/// One frame's chunks: its offset on the canvas, its ALPH payload (exactly the declared
/// size) and its image.
struct WebPFrameChunks {
    let number: Int
    var x = 0
    var y = 0
    var alpha: Range<Int>?
    var image: WebPImageChunk?

    func droppingAlpha() -> WebPFrameChunks {
        var frame = self
        frame.alpha = nil
        return frame
    }
}

/// A cursor over the chunks of a RIFF chunk that ends at `bytes.count`.
struct WebPChunkParser {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    func fourCC(at offset: Int) -> String {
        String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
    }

    /// Reads the chunk header at `position` (at least 8 bytes must remain) and moves past
    /// it: the four-character code, the payload size, the padded payload size. `corrupt`
    /// when the padded payload runs past the RIFF chunk.
    mutating func chunkHeader() throws(ImageDecodingProblem) -> (fourCC: String, size: Int, padded: Int) {
        let fourCC = fourCC(at: position)
        let size = WebPContainer.uint32(bytes, at: position + 4)
        guard size <= WebPContainer.maximumPayload else { throw .corrupt("the '\(fourCC)' chunk's size \(size) is beyond libwebp's limit") }
        let padded = Int(size) + Int(size & 1)
        position += 8
        guard padded <= bytes.count - position else {
            throw .corrupt("the '\(fourCC)' chunk's \(size) bytes run past the RIFF chunk's end")
        }
        return (fourCC, Int(size), padded)
    }

    /// An ANMF chunk of padded payload size `size` at `position`, and the image chunks that
    /// follow its 16-byte header; nil when it holds neither an ALPH nor an image chunk (the
    /// demuxer then ignores it).
    mutating func animationFrame(size: Int, number: Int) throws(ImageDecodingProblem) -> WebPFrameChunks? {
        guard bytes.count - position >= 16, size >= 16 else { throw .corrupt("the ANMF chunk is shorter than its 16-byte header") }
        let x = 2 * WebPContainer.uint24(bytes, at: position)
        let y = 2 * WebPContainer.uint24(bytes, at: position + 3)
        let width = WebPContainer.uint24(bytes, at: position + 6) + 1
        let height = WebPContainer.uint24(bytes, at: position + 9) + 1
        guard width * height < WebPContainer.maximumArea else { throw .corrupt("frame \(number) is \(width) x \(height), beyond libwebp's limit") }
        position += 16
        let start = position
        var frame = try self.frame(number: number, minimumSize: size - 16)
        guard position - start <= size - 16 else { throw .corrupt("frame \(number)'s chunks run past its ANMF chunk") }
        guard frame.alpha != nil || frame.image != nil else { return nil }
        frame.x = x
        frame.y = y
        return frame
    }

    /// The ALPH and image chunks from `position` on, as libwebp's demuxer takes them: the
    /// first ALPH chunk (before or after the image), the first image chunk; a VP8L chunk
    /// after an ALPH chunk is refused; any other chunk, or a second ALPH or VP8 chunk, ends
    /// the frame (the cursor stays before it).
    mutating func frame(number: Int, minimumSize: Int) throws(ImageDecodingProblem) -> WebPFrameChunks {
        guard bytes.count - position >= max(8, minimumSize) else { throw .corrupt("frame \(number)'s chunks run past the RIFF chunk") }
        var frame = WebPFrameChunks(number: number)
        while true {
            let chunkStart = position
            let (fourCC, size, padded) = try chunkHeader()
            let payload = position..<(position + padded)
            if fourCC == "ALPH", frame.alpha == nil {
                frame.alpha = position..<(position + size)
            } else if fourCC == "VP8L", frame.alpha != nil {
                throw .corrupt("a VP8L chunk after an ALPH chunk")
            } else if fourCC == "VP8L" || fourCC == "VP8 ", frame.image == nil {
                frame.image = try Self.image(UnsafeRawBufferPointer(rebasing: bytes[payload]), range: payload, size: size,
                                             lossless: fourCC == "VP8L")
            } else {
                position = chunkStart
                return frame
            }
            position = payload.upperBound
            if position == bytes.count { return frame }
            guard bytes.count - position >= 8 else {
                throw .corrupt("\(bytes.count - position) bytes after the last chunk, too few for a chunk header")
            }
        }
    }

    /// The size and alpha hint of an image chunk's bitstream, checked as libwebp's
    /// `WebPGetFeatures` checks it.
    private static func image(_ payload: UnsafeRawBufferPointer, range: Range<Int>, size: Int,
                              lossless: Bool) throws(ImageDecodingProblem) -> WebPImageChunk {
        if lossless {
            let header: VP8LHeader
            do throws(ImageDecodingProblem) { header = try VP8LHeader(payload) } catch .truncated { throw .corrupt("the VP8L chunk is shorter than its 5-byte header") }
            return WebPImageChunk(payload: range, lossless: true, width: header.width, height: header.height, alphaIsUsed: header.alphaIsUsed)
        }
        let header = try VP8FrameSize(payload, chunkSize: size)
        return WebPImageChunk(payload: range, lossless: false, width: header.width, height: header.height, alphaIsUsed: false)
    }
}
