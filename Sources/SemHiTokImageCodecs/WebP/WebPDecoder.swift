/// Decodes a WebP file to 8-bit RGB with the pixels Pillow followed by the SigLIP
/// processor's `convert_to_rgb` gives (Spec/webp.md): the first frame on the canvas,
/// composited over white when Pillow reads the file as RGBA.
///
/// The container is checked as libwebp's demuxer checks it; the canvas size is checked
/// against `ImageLimits` before any memory is allocated for pixels. Lossless frames are
/// decoded by `VP8LDecoder`, lossy ones by `VP8Decoder` (Spec/vp8.md) with their alpha
/// planes by `WebPAlphaPlane`.
public enum WebPDecoder {
    /// The RGB image of the first frame of `bytes`, a WebP file. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) -> RGBImage in try decode(raw, limits: limits) }
        }.get()
    }

    /// The RGB image of the first frame of `bytes`, a WebP file: `truncated`, `corrupt`,
    /// `unsupported` or `tooLarge` (the canvas beyond `limits`) when it cannot be decoded.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        let container = try WebPContainer(bytes)
        try limits.check(width: container.canvasWidth, height: container.canvasHeight)
        let frame = container.firstFrame
        let image = container.firstImage
        let payload = UnsafeRawBufferPointer(rebasing: bytes[image.payload])
        let framePixels: FramePixels
        if image.lossless {
            let header = try VP8LHeader(payload)
            framePixels = FramePixels(argb: try VP8LDecoder.decode(payload, header: header))
        } else {
            // libwebp decodes the alpha plane with the frame; a damaged one fails the frame.
            let alpha = try frame.alpha.map { (range) throws(ImageDecodingProblem) in
                try WebPAlphaPlane.decode(UnsafeRawBufferPointer(rebasing: bytes[range]), width: image.width, height: image.height)
            }
            let rgb = try VP8Decoder.decode(payload, limits: limits)
            framePixels = FramePixels(rgb: rgb.pixels, alpha: alpha)
        }
        return canvas(container, frame: frame, width: image.width, height: image.height, pixels: framePixels)
    }

    /// A decoded frame: RGB and, where there is one, its alpha plane.
    struct FramePixels {
        var rgb: [UInt8]
        var alpha: [UInt8]?

        init(rgb: [UInt8], alpha: [UInt8]?) {
            self.rgb = rgb
            self.alpha = alpha
        }

        init(argb: [UInt32]) {
            rgb = [UInt8](repeating: 0, count: 3 * argb.count)
            var alpha = [UInt8](repeating: 0, count: argb.count)
            rgb.withUnsafeMutableBufferPointer { rgb in
                alpha.withUnsafeMutableBufferPointer { alpha in
                    for (index, pixel) in argb.enumerated() {
                        rgb[3 * index] = UInt8(truncatingIfNeeded: pixel >> 16)
                        rgb[3 * index + 1] = UInt8(truncatingIfNeeded: pixel >> 8)
                        rgb[3 * index + 2] = UInt8(truncatingIfNeeded: pixel)
                        alpha[index] = UInt8(truncatingIfNeeded: pixel >> 24)
                    }
                }
            }
            self.alpha = alpha
        }
    }

    /// The canvas with the first frame at its offset (Spec/webp.md section 6). The canvas
    /// starts transparent black, as libwebp's animation decoder leaves it; with an alpha
    /// band each pixel is composited over white, else its alpha is dropped.
    static func canvas(_ container: WebPContainer, frame: WebPFrameChunks, width: Int, height: Int, pixels: FramePixels) -> RGBImage {
        let canvasWidth = container.canvasWidth
        var frameRGB = pixels.rgb
        if container.hasAlpha, let alpha = pixels.alpha { compositeOverWhite(&frameRGB, alpha: alpha) }
        // A frame that covers the whole canvas is the canvas: no copy.
        if frame.x == 0, frame.y == 0, width == canvasWidth, height == container.canvasHeight {
            return RGBImage(width: canvasWidth, height: height, pixels: frameRGB)
        }
        var output = [UInt8](repeating: container.hasAlpha ? 255 : 0, count: 3 * canvasWidth * container.canvasHeight)
        output.withUnsafeMutableBufferPointer { output in
            frameRGB.withUnsafeBufferPointer { frameRGB in
                for y in 0..<height {
                    let destination = output.baseAddress! + 3 * ((frame.y + y) * canvasWidth + frame.x)
                    destination.update(from: frameRGB.baseAddress! + 3 * y * width, count: 3 * width)
                }
            }
        }
        return RGBImage(width: canvasWidth, height: container.canvasHeight, pixels: output)
    }

    /// Composites RGB pixels with the alpha plane `alpha` over opaque white, in place, with
    /// Pillow's arithmetic (`AlphaComposite.overWhite`).
    static func compositeOverWhite(_ rgb: inout [UInt8], alpha: [UInt8]) {
        rgb.withUnsafeMutableBufferPointer { rgb in
            alpha.withUnsafeBufferPointer { alpha in
                for (index, a) in alpha.enumerated() where a != 255 {
                    for channel in 0..<3 { rgb[3 * index + channel] = AlphaComposite.overWhite(rgb[3 * index + channel], alpha: a) }
                }
            }
        }
    }
}
