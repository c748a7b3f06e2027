import SemHiTokSupport

/// Reading and writing image files (Spec/images.md): the format of an input is decided by
/// its first bytes, that of an output by its extension.
public enum ImageFile {
    /// The formats `semhitok` reads.
    public enum Format: String, Sendable {
        case png, jpeg, netpbm, gif, bmp, webp
    }

    /// The format of `bytes` (Spec/images.md section 1), or nil if it is none of them.
    public static func format(of bytes: UnsafeRawBufferPointer) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(bytes[1]) {
            return .netpbm
        }
        if bytes.starts(with: "GIF87a".utf8) || bytes.starts(with: "GIF89a".utf8) { return .gif }
        if bytes.starts(with: "BM".utf8) { return .bmp }
        if bytes.count >= 12, bytes.starts(with: "RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        return nil
    }

    /// Decodes `bytes` in whichever supported format they are, to 8-bit RGB.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem)
        -> RGBImage
    {
        switch format(of: bytes) {
        case .png: return try PNGDecoder.decode(bytes, limits: limits)
        case .jpeg: return try JPEGDecoder.decode(bytes, limits: limits)
        case .netpbm: return try PPMDecoder.decode(bytes, limits: limits)
        case .gif: return try GIFDecoder.decode(bytes, limits: limits)
        case .bmp: return try BMPDecoder.decode(bytes, limits: limits)
        case .webp: return try WebPDecoder.decode(bytes, limits: limits)
        case nil: throw .unsupported("not a PNG, JPEG, PPM, PGM, GIF, BMP or WebP file")
        }
    }

    /// Reads and decodes the image file at `path`. Throws `FileSystemError` if it cannot be
    /// read, `ImageError` naming the file if it cannot be decoded.
    public static func read(_ path: String, limits: ImageLimits = .standard) throws -> RGBImage {
        let file = try MappedFile(path: path)
        do {
            return try decode(file.bytes, limits: limits)
        } catch {
            throw ImageError(path: path, problem: error)
        }
    }

    /// The output format for `path`'s extension (`.png`, `.ppm`, any case), or nil.
    public static func outputFormat(for path: String) -> Format? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".png") { return .png }
        if lowered.hasSuffix(".ppm") { return .netpbm }
        return nil
    }

    /// Encodes `image` as PNG or PPM by `path`'s extension and writes it through a temporary
    /// file renamed into place.
    public static func write(_ image: RGBImage, to path: String) throws {
        switch outputFormat(for: path) {
        case .png: try AtomicOutputFile.write(PNGEncoder.encode(image), to: path)
        case .netpbm: try AtomicOutputFile.write(PPMEncoder.encode(image), to: path)
        case .jpeg, .gif, .bmp, .webp, nil: throw ImageError(path: path, problem: .unsupported("output format: the name must end in .png or .ppm"))
        }
    }
}
