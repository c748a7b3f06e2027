/// Turns reconstructed PNG scanlines into 8-bit RGB exactly as Pillow's PNG decoder
/// followed by transformers' `convert_to_rgb` does (Spec/png.md section 6): samples are
/// reduced to 8 bits as Pillow's modes hold them, tRNS colours and alpha are composited
/// over white with Pillow's arithmetic, grey is replicated.
///
/// Everything that depends only on a sample value (grey scaling with its tRNS match, the
/// palette with its alpha) is folded into lookup tables once, so the per-pixel work is a
/// table lookup or, for alpha channels, the composite.
struct PNGPixelConverter {
    private let colourType: PNGColourType
    private let bitDepth: Int
    /// Grey: the final grey level of each raw sample (1 to 8 bits), or of each low byte of
    /// a 16-bit sample whose high byte is 0.
    private let greyLevels: [UInt8]
    /// Truecolour with tRNS: the 8-bit colour that becomes white.
    private let transparentColour: (red: UInt8, green: UInt8, blue: UInt8)?
    /// Indexed: the final R, G, B of each palette entry, 256 entries (unused ones 0).
    private let paletteColours: [UInt8]
    private let paletteCount: Int

    /// A converter for images with `header`'s format, the PLTE payload `palette` (indexed
    /// images only) and the tRNS payload `transparency` (already checked to have the
    /// length its colour type needs; nil without tRNS, and for colour types 4 and 6).
    init(header: PNGHeader, palette: UnsafeRawBufferPointer?, transparency: UnsafeRawBufferPointer?) {
        colourType = header.colourType
        bitDepth = header.bitDepth
        var greyLevels = [UInt8](repeating: 0, count: 256)
        var transparentColour: (UInt8, UInt8, UInt8)?
        var paletteColours = [UInt8](repeating: 0, count: 768)
        var paletteCount = 0
        switch header.colourType {
        case .greyscale:
            // Pillow keeps the raw tRNS value, and matches it against the sample after
            // scaling to 8 bits (mode "1": any nonzero value means 255), by its low byte.
            let key = transparency.map { Int(bigEndianUInt16($0, at: 0)) }
            let top = header.bitDepth == 16 ? 255 : (1 << header.bitDepth) - 1
            for raw in 0...top {
                let level = header.bitDepth == 16 ? raw : raw * (255 / top)
                let transparent: Bool
                switch key {
                case nil: transparent = false
                case let value? where header.bitDepth == 1: transparent = level == (value != 0 ? 255 : 0)
                case let value?: transparent = level == value & 0xFF
                }
                greyLevels[raw] = transparent ? 255 : UInt8(level)
            }
        case .truecolour:
            if let transparency {
                // Pillow compares the 8-bit colour (the high bytes of 16-bit samples) with
                // the low byte of each tRNS sample.
                transparentColour = (transparency[1], transparency[3], transparency[5])
            }
        case .indexed:
            if let palette {
                paletteCount = palette.count / 3
                for index in 0..<paletteCount {
                    let alpha = transparency.flatMap { index < $0.count ? $0[index] : nil } ?? 255
                    for channel in 0..<3 {
                        let value = palette[3 * index + channel]
                        // With a tRNS chunk Pillow composites every entry, opaque ones too
                        // (which leaves them unchanged).
                        paletteColours[3 * index + channel] =
                            transparency == nil ? value : AlphaComposite.overWhite(value, alpha: alpha)
                    }
                }
            }
        case .greyscaleAlpha, .truecolourAlpha:
            break
        }
        self.greyLevels = greyLevels
        self.transparentColour = transparentColour
        self.paletteColours = paletteColours
        self.paletteCount = paletteCount
    }

    /// Converts the `pixels` pixels of the reconstructed scanline `row` (without its filter
    /// byte) to RGB at `destination`, successive pixels `stride` bytes apart. Throws
    /// `corrupt` for a palette index without a palette entry.
    func convert(_ row: UnsafePointer<UInt8>, pixels: Int, into destination: UnsafeMutablePointer<UInt8>,
                 stride: Int) throws(ImageDecodingProblem) {
        switch colourType {
        case .greyscale:
            greyLevels.withUnsafeBufferPointer { levels in
                if bitDepth == 16 {
                    for x in 0..<pixels {
                        let level = row[2 * x] != 0 ? 255 : levels[Int(row[2 * x + 1])]
                        store(level, level, level, destination + x * stride)
                    }
                } else {
                    forEachSample(row, pixels: pixels) { x, sample in
                        let level = levels[sample]
                        store(level, level, level, destination + x * stride)
                    }
                }
            }
        case .truecolour:
            // 16-bit samples keep their high (first) byte.
            let bytes = bitDepth / 8
            for x in 0..<pixels {
                let source = row + 3 * bytes * x
                let red = source[0], green = source[bytes], blue = source[2 * bytes]
                if let key = transparentColour, red == key.red, green == key.green, blue == key.blue {
                    store(255, 255, 255, destination + x * stride)
                } else {
                    store(red, green, blue, destination + x * stride)
                }
            }
        case .indexed:
            var largest = 0
            paletteColours.withUnsafeBufferPointer { colours in
                forEachSample(row, pixels: pixels) { x, index in
                    largest = max(largest, index)
                    store(colours[3 * index], colours[3 * index + 1], colours[3 * index + 2], destination + x * stride)
                }
            }
            guard largest < paletteCount else {
                throw .corrupt("palette index \(largest) is beyond the \(paletteCount) palette entries")
            }
        case .greyscaleAlpha:
            let bytes = bitDepth / 8
            for x in 0..<pixels {
                let level = AlphaComposite.overWhite(row[2 * bytes * x], alpha: row[2 * bytes * x + bytes])
                store(level, level, level, destination + x * stride)
            }
        case .truecolourAlpha:
            let bytes = bitDepth / 8
            for x in 0..<pixels {
                let source = row + 4 * bytes * x
                let alpha = source[3 * bytes]
                store(AlphaComposite.overWhite(source[0], alpha: alpha),
                      AlphaComposite.overWhite(source[bytes], alpha: alpha),
                      AlphaComposite.overWhite(source[2 * bytes], alpha: alpha), destination + x * stride)
            }
        }
    }

    /// Calls `body(x, sample)` for the `pixels` samples of 1, 2, 4 or 8 bits packed in
    /// `row`, most significant bits first.
    @inline(__always)
    private func forEachSample(_ row: UnsafePointer<UInt8>, pixels: Int, _ body: (Int, Int) -> Void) {
        if bitDepth == 8 {
            for x in 0..<pixels { body(x, Int(row[x])) }
            return
        }
        let perByte = 8 / bitDepth
        let mask = (1 << bitDepth) - 1
        for x in 0..<pixels {
            let shift = 8 - bitDepth * (x % perByte + 1)
            body(x, Int(row[x / perByte]) >> shift & mask)
        }
    }

    @inline(__always)
    private func store(_ red: UInt8, _ green: UInt8, _ blue: UInt8, _ pixel: UnsafeMutablePointer<UInt8>) {
        pixel[0] = red
        pixel[1] = green
        pixel[2] = blue
    }
}
