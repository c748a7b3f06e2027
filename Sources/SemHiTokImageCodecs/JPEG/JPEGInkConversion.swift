/// Turns CMYK and YCCK component rows into RGB as Pillow does (Spec/jpeg.md section 7.1):
/// libjpeg delivers C, M, Y, K samples (converting YCCK first); Pillow reads them with its
/// raw mode "CMYK;I", which assumes Adobe's inverted storage and so takes `255 - sample` as
/// each ink, whatever the markers say; its CMYK to RGB conversion then gives each channel
/// `(255 - K) - (255 - K) ink / 255` in its rounded integer form.
enum JPEGInkConversion {
    /// Converts `width` pixels of C, M, Y, K rows as libjpeg outputs them into R, G, B
    /// triples at `output`.
    @inline(__always)
    static func convertCMYK(_ cyan: UnsafePointer<UInt8>, _ magenta: UnsafePointer<UInt8>, _ yellow: UnsafePointer<UInt8>,
                            _ black: UnsafePointer<UInt8>, width: Int, into output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            let white = Int(black[x])
            output[3 * x] = remainder(ink: 255 - Int(cyan[x]), white: white)
            output[3 * x + 1] = remainder(ink: 255 - Int(magenta[x]), white: white)
            output[3 * x + 2] = remainder(ink: 255 - Int(yellow[x]), white: white)
        }
    }

    /// Converts `width` pixels of Y, Cb, Cr, K rows into R, G, B triples at `output`;
    /// `tables` points at `JPEGColorConverter.tables`. libjpeg's YCCK to CMYK conversion
    /// gives each of C, M, Y as 255 minus the channel the YCbCr to RGB conversion gives, so
    /// Pillow's ink (255 minus that sample) is exactly that RGB channel.
    @inline(__always)
    static func convertYCCK(_ luma: UnsafePointer<UInt8>, _ blue: UnsafePointer<UInt8>, _ red: UnsafePointer<UInt8>,
                            _ black: UnsafePointer<UInt8>, width: Int, tables: UnsafePointer<Int32>,
                            into output: UnsafeMutablePointer<UInt8>) {
        JPEGColorConverter.convertYCbCr(luma, blue, red, width: width, tables: tables, into: output)
        for x in 0..<width {
            let white = Int(black[x])
            output[3 * x] = remainder(ink: Int(output[3 * x]), white: white)
            output[3 * x + 1] = remainder(ink: Int(output[3 * x + 1]), white: white)
            output[3 * x + 2] = remainder(ink: Int(output[3 * x + 2]), white: white)
        }
    }

    /// Pillow's `cmyk2rgb` for one channel: with `white = 255 - K` (Pillow's K is
    /// `255 - sample`, so `white` is the K sample itself), `white - ink * white / 255`,
    /// the product divided by 255 with Pillow's rounding `(t + (t >> 8)) >> 8`,
    /// `t = ink * white + 128`. Never below 0, so no clamping is needed.
    @inline(__always)
    private static func remainder(ink: Int, white: Int) -> UInt8 {
        let product = ink * white + 128
        return UInt8(truncatingIfNeeded: white - ((product + (product >> 8)) >> 8))
    }
}
