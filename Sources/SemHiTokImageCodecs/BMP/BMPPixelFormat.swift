/// How the pixel data of a BMP file turns into RGB (Spec/bmp.md section 5), as Pillow reads
/// each combination of bit depth, compression, masks and palette.
enum BMPPixelFormat: Equatable {
    /// Samples of 1, 4 or 8 bits (most significant first) looked up in a 256-entry RGB
    /// table: a palette, the bilevel table (0 black, any other value white) or grey.
    case lookup(sampleBits: Int, colours: [UInt8])
    /// 16-bit little-endian pixels with 5-bit red, green and blue at bits 10, 5 and 0.
    case rgb555
    /// 16-bit little-endian pixels with 5-bit red at bit 11, 6-bit green at 5, 5-bit blue at 0.
    case rgb565
    /// Pixels of `size` bytes (3 or 4), each channel one byte at the position given; with an
    /// alpha byte the pixel is composited over white.
    case bytes(size: Int, red: Int, green: Int, blue: Int, alpha: Int?)

    /// The bits one pixel takes in a row of the raw data.
    var bitsPerPixel: Int {
        switch self {
        case .lookup(let sampleBits, _): sampleBits
        case .rgb555, .rgb565: 16
        case .bytes(let size, _, _, _, _): 8 * size
        }
    }

    /// Converts one row of `width` pixels at `row` to RGB at `output`.
    func convert(_ row: UnsafeRawPointer, width: Int, into output: UnsafeMutablePointer<UInt8>) {
        switch self {
        case .lookup(let sampleBits, let colours):
            colours.withUnsafeBufferPointer { colours in
                let perByte = 8 / sampleBits
                let mask = (1 << sampleBits) - 1
                for x in 0..<width {
                    let byte = Int(row.load(fromByteOffset: x / perByte, as: UInt8.self))
                    let shift = 8 - sampleBits * (x % perByte + 1)
                    let colour = 3 * ((byte >> shift) & mask)
                    output[3 * x] = colours[colour]
                    output[3 * x + 1] = colours[colour + 1]
                    output[3 * x + 2] = colours[colour + 2]
                }
            }
        case .rgb555, .rgb565:
            let greenBits = self == .rgb565 ? 6 : 5
            let greenTop = (1 << greenBits) - 1
            for x in 0..<width {
                let pixel = Int(row.load(fromByteOffset: 2 * x, as: UInt8.self))
                    | Int(row.load(fromByteOffset: 2 * x + 1, as: UInt8.self)) << 8
                // Pillow scales a channel of n bits by 255 / (2^n - 1), truncating.
                output[3 * x] = UInt8((pixel >> (5 + greenBits) & 31) * 255 / 31)
                output[3 * x + 1] = UInt8((pixel >> 5 & greenTop) * 255 / greenTop)
                output[3 * x + 2] = UInt8((pixel & 31) * 255 / 31)
            }
        case .bytes(let size, let red, let green, let blue, nil):
            let bytes = row.assumingMemoryBound(to: UInt8.self)
            for x in 0..<width {
                output[3 * x] = bytes[size * x + red]
                output[3 * x + 1] = bytes[size * x + green]
                output[3 * x + 2] = bytes[size * x + blue]
            }
        case .bytes(let size, let red, let green, let blue, let alpha?):
            let bytes = row.assumingMemoryBound(to: UInt8.self)
            for x in 0..<width {
                let a = bytes[size * x + alpha]
                output[3 * x] = AlphaComposite.overWhite(bytes[size * x + red], alpha: a)
                output[3 * x + 1] = AlphaComposite.overWhite(bytes[size * x + green], alpha: a)
                output[3 * x + 2] = AlphaComposite.overWhite(bytes[size * x + blue], alpha: a)
            }
        }
    }
}
