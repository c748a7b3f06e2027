/// Decodes the first image of a GIF file (GIF87a or GIF89a) to 8-bit RGB with the pixels
/// Pillow followed by the SigLIP processor's `convert_to_rgb` gives (Spec/gif.md).
///
/// The image is placed on a canvas the size of the logical screen, grown to hold the image
/// if it reaches beyond; pixels outside the image have index 0, or the transparent index
/// when there is one; transparent pixels become white. The canvas size is checked against
/// `ImageLimits` before any memory is allocated for pixels.
public enum GIFDecoder {
    /// The RGB image of the first frame of `bytes`, a GIF file. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) -> RGBImage in try decode(raw, limits: limits) }
        }.get()
    }

    /// The RGB image of the first frame of `bytes`, a GIF file: `truncated`, `corrupt`,
    /// `unsupported` or `tooLarge` (the canvas beyond `limits`) when it cannot be decoded.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        let frame = try GIFFirstFrame(bytes)
        let width = max(frame.screenWidth, frame.left + frame.width)
        let height = max(frame.screenHeight, frame.top + frame.height)
        try limits.check(width: width, height: height)
        let colours = try colourLookup(frame)
        var canvas = [UInt8](repeating: UInt8(frame.transparentIndex ?? 0), count: width * height)
        try canvas.withUnsafeMutableBufferPointer { (canvas) throws(ImageDecodingProblem) in
            try GIFLZWDecoder.decode(bytes, frame: frame, into: canvas, canvasWidth: width)
        }
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        colours.withUnsafeBufferPointer { colours in
            canvas.withUnsafeBufferPointer { canvas in
                pixels.withUnsafeMutableBufferPointer { pixels in
                    for (offset, index) in canvas.enumerated() {
                        let colour = 3 * Int(index)
                        pixels[3 * offset] = colours[colour]
                        pixels[3 * offset + 1] = colours[colour + 1]
                        pixels[3 * offset + 2] = colours[colour + 2]
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The RGB colour of each of the 256 indices (Spec/gif.md section 6): from the local
    /// colour table, else the global one, a table that is the grey ramp `(i, i, i)` counting
    /// as none; black beyond the table; the index as grey without a table; white for the
    /// transparent index.
    static func colourLookup(_ frame: GIFFirstFrame) throws(ImageDecodingProblem) -> [UInt8] {
        let local = frame.localTable.flatMap { $0.isGreyRamp ? nil : $0 }
        let global = frame.globalTable.flatMap { $0.isGreyRamp ? nil : $0 }
        if frame.localTable != nil, local == nil, global != nil, frame.transparentIndex != nil {
            // Pillow then holds a palette image it calls greyscale, and cannot convert it
            // with its transparency to RGBA.
            throw .unsupported("a grey-ramp local colour table over a global one, with a transparent colour (Pillow refuses it)")
        }
        var colours = [UInt8](repeating: 0, count: 3 * 256)
        for index in 0..<256 {
            if index == frame.transparentIndex {
                colours.replaceSubrange((3 * index)..<(3 * index + 3), with: [255, 255, 255])
            } else if let table = local ?? global {
                if index < table.count { colours.replaceSubrange((3 * index)..<(3 * index + 3), with: table.entries[(3 * index)..<(3 * index + 3)]) }
            } else {
                colours.replaceSubrange((3 * index)..<(3 * index + 3), with: repeatElement(UInt8(index), count: 3))
            }
        }
        return colours
    }
}
