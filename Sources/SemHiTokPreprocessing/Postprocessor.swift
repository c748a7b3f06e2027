import SemHiTokImageCodecs
import SemHiTokCompute

/// The inverse mapping for the model's image outputs (Spec/preprocessing.md section 4):
/// a float32 CHW tensor in about [-1, 1] back to 8-bit RGB.
public enum Postprocessor {
    /// `tensor` (`[3, H, W]`) as an `[H, W, 3]` image: each value `x` becomes
    /// `round(fl32(fl32(clamp(x, -1, 1) + 1) * 127.5))`, rounding to nearest with ties to
    /// even. Infinities clamp like any other value; a NaN is an error naming the first NaN
    /// in CHW order.
    public static func image(from tensor: ImageTensor) throws(PreprocessingError) -> RGBImage {
        let plane = tensor.height * tensor.width
        var pixels = [UInt8](repeating: 0, count: plane * ImageTensor.channels)
        let firstNaN: Int? = tensor.values.withUnsafeBufferPointer { values in
            pixels.withUnsafeMutableBufferPointer { pixels in
                for channel in 0..<ImageTensor.channels {
                    let input = channel * plane
                    for index in 0..<plane {
                        let value = values[input + index]
                        if value.isNaN { return input + index }
                        pixels[index * 3 + channel] = byte(value)
                    }
                }
                return nil
            }
        }
        if let position = firstNaN {
            throw .notANumber(channel: position / plane, y: position % plane / tensor.width, x: position % tensor.width)
        }
        return RGBImage(width: tensor.width, height: tensor.height, pixels: pixels)
    }

    /// The byte for one non-NaN value: clamp to [-1, 1], add 1, multiply by 127.5 (each in
    /// float32), round half to even. The result lies in [0, 255].
    @inline(__always)
    static func byte(_ value: Float) -> UInt8 {
        let clamped = min(max(value, -1), 1)
        let scaled = (clamped + 1) * 127.5
        return UInt8(scaled.rounded(.toNearestOrEven))
    }
}
