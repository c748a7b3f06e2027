/// Encodes an 8-bit RGB image as a binary PPM (`P6`, maximum value 255): the header
/// `P6\n<width> <height>\n255\n` and the pixels as they are (Spec/images.md).
public enum PPMEncoder {
    /// The PPM file's bytes.
    public static func encode(_ image: RGBImage) -> [UInt8] {
        Array("P6\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
    }
}
