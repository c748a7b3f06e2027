import SemHiTokImageCodecs
import SemHiTokCompute

/// The model's input preprocessing (Spec/preprocessing.md section 3), bit-identical to
/// transformers' SigLIP image processor with its Pillow backend: resize straight to
/// `size x size` with Pillow's bicubic filter, scale by 1/255, normalise per channel with
/// `mean` and `std`, lay out as float32 CHW.
public struct Preprocessor: Sendable, Equatable {
    /// The model's square input size in pixels.
    public let size: Int
    /// The per-channel means (R, G, B) as configured; used as their float32 roundings.
    public let mean: [Double]
    /// The per-channel standard deviations (R, G, B) as configured; used as their float32
    /// roundings.
    public let std: [Double]

    /// `table[c * 256 + u]`: the output for byte `u` in channel `c`. Every step after the
    /// resize maps one byte to one float independently, so 768 entries hold all of them.
    private let table: [Float]

    /// A preprocessor for a `size x size` model input. `mean` and `std` hold three values
    /// each (R, G, B); SigLIP's are 0.5. Throws when `size` is below 1 or `size * size`
    /// exceeds `ImageLimits.standard`, or when a mean or standard deviation is not finite
    /// in float32, or a standard deviation is 0 in float32.
    public init(size: Int, mean: [Double] = [0.5, 0.5, 0.5], std: [Double] = [0.5, 0.5, 0.5])
        throws(PreprocessingError)
    {
        guard size >= 1, (try? ImageLimits.standard.check(width: size, height: size)) != nil else {
            throw .invalidSize(size)
        }
        guard mean.count == ImageTensor.channels, std.count == ImageTensor.channels else {
            throw .invalidNormalization("mean and std need 3 values each, got \(mean.count) and \(std.count)")
        }
        for channel in 0..<ImageTensor.channels {
            guard Float(mean[channel]).isFinite else {
                throw .invalidNormalization("mean[\(channel)] = \(mean[channel]) is not finite in float32")
            }
            let deviation = Float(std[channel])
            guard deviation.isFinite, deviation != 0 else {
                throw .invalidNormalization("std[\(channel)] = \(std[channel]) is zero or not finite in float32")
            }
        }
        self.size = size
        self.mean = mean
        self.std = std
        table = Self.table(mean: mean, std: std)
    }

    /// The model input for `image` (`[H, W, 3]` bytes): a `[3, size, size]` float32 tensor.
    public func tensor(for image: RGBImage) -> ImageTensor {
        let resized = BicubicResize.resize(image, width: size, height: size)
        let plane = size * size
        var values = [Float](repeating: 0, count: ImageTensor.channels * plane)
        resized.pixels.withUnsafeBufferPointer { pixels in
            table.withUnsafeBufferPointer { table in
                values.withUnsafeMutableBufferPointer { values in
                    for channel in 0..<ImageTensor.channels {
                        let lookup = channel * 256
                        let output = channel * plane
                        for index in 0..<plane {
                            values[output + index] = table[lookup + Int(pixels[index * 3 + channel])]
                        }
                    }
                }
            }
        }
        return ImageTensor(checkedHeight: size, width: size, values: values)
    }

    /// The value of byte `u` in a channel with `mean` and `std`, as transformers computes it:
    /// `fl32(fl64(u * fl64(1/255)))` (rescale: in binary64, then cast), then
    /// `fl32(fl32(r - fl32(mean)) / fl32(std))` (normalise: in float32).
    static func value(byte: UInt8, mean: Double, std: Double) -> Float {
        let scaled = Float(Double(byte) * (1.0 / 255.0))
        return (scaled - Float(mean)) / Float(std)
    }

    private static func table(mean: [Double], std: [Double]) -> [Float] {
        (0..<ImageTensor.channels).flatMap { channel in
            (0...255).map { value(byte: UInt8($0), mean: mean[channel], std: std[channel]) }
        }
    }
}
