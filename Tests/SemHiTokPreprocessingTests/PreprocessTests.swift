import SemHiTok
@testable import SemHiTokPreprocessing
import TestSupport
import Testing

/// The model-input preprocessing and the output postprocessing against arithmetic done by
/// hand (Spec/preprocessing.md sections 3 and 4). Agreement with transformers itself is in
/// `GoldenPreprocessingTests`.
struct PreprocessTests {
    static func image(width: Int, height: Int, _ pixel: (Int, Int) -> [UInt8]) -> RGBImage {
        var pixels = [UInt8]()
        for y in 0..<height { for x in 0..<width { pixels += pixel(x, y) } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// 0 scales to 0 and 255 to exactly 1 (`255 * fl64(1/255)` rounds to 1 in binary64),
    /// so they normalise to -1 and 1. 128 scales to the float32 nearest 128/255,
    /// 8421505 * 2^-24; minus 0.5 leaves 32897 * 2^-24 exactly, and halving the divisor
    /// doubles it: 32897 * 2^-23.
    @Test func bytesMapToTheirSigLIPValues() {
        #expect(Preprocessor.value(byte: 0, mean: 0.5, std: 0.5) == -1)
        #expect(Preprocessor.value(byte: 255, mean: 0.5, std: 0.5) == 1)
        #expect(Preprocessor.value(byte: 128, mean: 0.5, std: 0.5) == Float(32897) / Float(1 << 23))
    }

    /// The tensor is CHW: channel planes one after the other, rows top to bottom.
    @Test func theTensorIsChannelsFirst() throws {
        let input = Self.image(width: 3, height: 2) { x, y in [UInt8(x * 10 + y), 255, 0] }
        let tensor = try Preprocessor(size: 3, mean: [0, 0, 0], std: [1, 1, 1]).tensor(for: input)
        #expect(tensor.height == 3 && tensor.width == 3 && tensor.values.count == 27)
        let resized = BicubicResize.resize(input, width: 3, height: 3)
        for y in 0..<3 {
            for x in 0..<3 {
                for channel in 0..<3 {
                    let byte = resized.pixels[(y * 3 + x) * 3 + channel]
                    #expect(tensor[channel, y, x] == Float(Double(byte) * (1.0 / 255.0)))
                }
            }
        }
        #expect(tensor[1, 2, 2] == 1 && tensor[2, 0, 1] == 0)
    }

    /// At the model's size the resize is skipped, so each pixel maps on its own.
    @Test func anImageOfTheModelSizeIsNotResampled() throws {
        let input = Self.image(width: 4, height: 4) { x, y in [UInt8(x * 60), UInt8(y * 60), 255] }
        let tensor = try Preprocessor(size: 4).tensor(for: input)
        #expect(tensor[0, 1, 0] == -1 && tensor[2, 3, 1] == 1)
        #expect(tensor[0, 2, 3] == Preprocessor.value(byte: 180, mean: 0.5, std: 0.5))
    }

    /// Every byte survives preprocessing then postprocessing: `fl32(2 fl32(u / 255) - 1)`
    /// brought back by `(x + 1) * 127.5` lands within 4e-6 of `u`.
    @Test func everyByteSurvivesARoundTrip() throws {
        let input = Self.image(width: 16, height: 16) { x, y in
            let u = UInt8(y * 16 + x)
            return [u, 255 - u, u &* 7]
        }
        let tensor = try Preprocessor(size: 16).tensor(for: input)
        #expect(try Postprocessor.image(from: tensor) == input)
    }

    @Test func invalidConfigurationsAreRefused() {
        #expect(throws: PreprocessingError.invalidSize(0)) { try Preprocessor(size: 0) }
        #expect(throws: PreprocessingError.invalidSize(9000)) { try Preprocessor(size: 9000) }
        #expect(throws: PreprocessingError.self) { try Preprocessor(size: 8, mean: [0.5, 0.5]) }
        #expect(throws: PreprocessingError.self) { try Preprocessor(size: 8, std: [0.5, 0, 0.5]) }
        #expect(throws: PreprocessingError.self) { try Preprocessor(size: 8, std: [0.5, 1e-50, 0.5]) }
        #expect(throws: PreprocessingError.self) { try Preprocessor(size: 8, mean: [.nan, 0.5, 0.5]) }
        #expect(throws: PreprocessingError.self) { try Preprocessor(size: 8, mean: [0.5, 1e39, 0.5]) }
    }

    /// -1, 0 and 1 give 0, 127.5 and 255 exactly; 127.5 is a tie and goes to the even 128.
    /// Values beyond [-1, 1], infinities and -0 clamp first.
    @Test func outputsMapToBytes() {
        let cases: [(Float, UInt8)] = [(-1, 0), (0, 128), (-0.0, 128), (1, 255), (-2, 0), (3, 255),
                                       (.infinity, 255), (-.infinity, 0), (.greatestFiniteMagnitude, 255),
                                       (.leastNonzeroMagnitude, 128)]
        for (value, byte) in cases {
            #expect(Postprocessor.byte(value) == byte, "\(value)")
        }
    }

    /// A value whose scaled form is exactly k + 0.5 goes to the even neighbour: 128 for
    /// 128.5, 130 for 129.5.
    @Test func exactTiesRoundToEven() throws {
        for (tie, even) in [(Float(128.5), UInt8(128)), (129.5, 130), (64.5, 64), (253.5, 254)] {
            var x = tie / 127.5 - 1
            for _ in 0..<16 where (x + 1) * 127.5 != tie {
                x = (x + 1) * 127.5 < tie ? x.nextUp : x.nextDown
            }
            try #require((x + 1) * 127.5 == tie)
            #expect(Postprocessor.byte(x) == even)
        }
    }

    /// The image is HWC: the value of channel c at (y, x) becomes byte 3 (y W + x) + c.
    @Test func theImageIsChannelsLast() throws {
        var values = [Float](repeating: -1, count: 3 * 2 * 3)
        values[(1 * 2 + 1) * 3 + 2] = 1
        let image = try Postprocessor.image(from: ImageTensor(height: 2, width: 3, values: values))
        #expect(image.width == 3 && image.height == 2)
        #expect(image.pixels.indices.filter { image.pixels[$0] != 0 } == [(1 * 3 + 2) * 3 + 1])
    }

    @Test func aNaNIsAnErrorNamingTheFirstInChannelOrder() throws {
        var values = [Float](repeating: 0, count: 3 * 2 * 3)
        values[(2 * 2 + 0) * 3 + 0] = .nan
        values[(1 * 2 + 1) * 3 + 2] = .nan
        let tensor = try ImageTensor(height: 2, width: 3, values: values)
        #expect(throws: PreprocessingError.notANumber(channel: 1, y: 1, x: 2)) { try Postprocessor.image(from: tensor) }
    }

    @Test func aTensorMustMatchItsShape() {
        #expect(throws: TensorShapeError.self) { try ImageTensor(height: 2, width: 2, values: [0, 0, 0]) }
        #expect(throws: TensorShapeError.self) { try ImageTensor(height: 0, width: 2, values: []) }
        #expect(throws: TensorShapeError.self) { try ImageTensor(height: .max, width: 2, values: []) }
    }
}
