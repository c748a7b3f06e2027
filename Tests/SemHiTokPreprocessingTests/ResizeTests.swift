import SemHiTok
@testable import SemHiTokPreprocessing
import TestSupport
import Testing

/// The bicubic resize and its coefficients against arithmetic done by hand
/// (Spec/preprocessing.md section 2). Agreement with Pillow itself is in
/// `GoldenPreprocessingTests`.
struct ResizeTests {
    static func constantImage(width: Int, height: Int, color: [UInt8]) -> RGBImage {
        RGBImage(width: width, height: height, pixels: Array((0..<(width * height)).map { _ in color }.joined()))
    }

    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SplitMix64(seed: seed)
        return RGBImage(width: width, height: height,
                        pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// Each output sum is `2^21 + c * S` with `S` the output's weight sum, within a few
    /// units of `2^22`; `(2^21 + c * S) >> 22` is then `c` for every byte `c`, in each pass.
    @Test(arguments: [(5, 7, 13, 11), (40, 30, 7, 9), (1, 1, 17, 3), (33, 2, 1, 1), (64, 64, 64, 1), (9, 50, 30, 8)])
    func aConstantImageStaysConstant(width: Int, height: Int, outputWidth: Int, outputHeight: Int) {
        let color: [UInt8] = [0, 77, 255]
        let resized = BicubicResize.resize(Self.constantImage(width: width, height: height, color: color),
                                           width: outputWidth, height: outputHeight)
        #expect(resized == Self.constantImage(width: outputWidth, height: outputHeight, color: color))
    }

    @Test func theSameSizeIsACopy() {
        let image = Self.randomImage(width: 13, height: 9, seed: 1)
        #expect(BicubicResize.resize(image, width: 13, height: 9) == image)
    }

    /// Halving: output 3 has centre 7 and support 4, so it reads inputs 3 to 10 at kernel
    /// arguments +-1.75, +-1.25, +-0.75, +-0.25, where the kernel is -3/128, -9/128,
    /// 29/128 and 111/128. Their sum is exactly 2, so each weight is n/256 exactly and in
    /// fixed point n * 2^14, and they sum to 2^22.
    @Test func halvingWeightsAreExact() {
        let table = ResampleCoefficients(inputSize: 16, outputSize: 8)
        let weights = Array(table.weights[table.offsets[3]..<table.offsets[4]])
        #expect(table.firsts[3] == 3)
        #expect(weights == [-3, -9, 29, 111, 111, 29, -9, -3].map { Int32($0) << 14 })
        #expect(weights.reduce(0, +) == 1 << 22)
    }

    /// Doubling: output 5 has centre 2.75 and support 2, so it reads inputs 1 to 4 at
    /// arguments -1.25, -0.25, 0.75, 1.75; the kernel values -9, 111, 29, -3 (in 128ths)
    /// sum to exactly 1, so the weights are n * 2^15.
    @Test func doublingWeightsAreExact() {
        let table = ResampleCoefficients(inputSize: 8, outputSize: 16)
        let weights = Array(table.weights[table.offsets[5]..<table.offsets[6]])
        #expect(table.firsts[5] == 1)
        #expect(weights == [-9, 111, 29, -3].map { Int32($0) << 15 })
    }

    /// Each weight is rounded once, so an output's weights sum to 2^22 within half a unit
    /// per weight, for every output including the ones whose support the border cuts.
    @Test(arguments: [(16, 8), (8, 16), (1000, 256), (256, 1000), (7, 3), (3, 7), (1, 5), (5, 1), (451, 384)])
    func weightsSumToOne(inputSize: Int, outputSize: Int) {
        let table = ResampleCoefficients(inputSize: inputSize, outputSize: outputSize)
        for output in 0..<outputSize {
            let weights = table.weights[table.offsets[output]..<table.offsets[output + 1]]
            #expect(abs(Int(weights.reduce(0, +)) - (1 << 22)) <= (weights.count + 1) / 2, "output \(output)")
            #expect(table.firsts[output] >= 0 && table.firsts[output] + weights.count <= inputSize)
        }
    }

    @Test func theKernelMatchesItsDefinition() {
        #expect(ResampleCoefficients.bicubic(0) == 1)
        #expect(ResampleCoefficients.bicubic(1) == 0)
        #expect(ResampleCoefficients.bicubic(-0.5) == 0.5625)
        #expect(ResampleCoefficients.bicubic(1.5) == -0.0625)
        #expect(ResampleCoefficients.bicubic(2) == 0)
        #expect(ResampleCoefficients.bicubic(-7) == 0)
    }

    /// Half a unit rounds away from zero, as `(int)(w * 2^22 +- 0.5)` does.
    @Test func fixedPointRoundsHalfAwayFromZero() {
        let unit = 1.0 / Double(1 << 22)
        #expect(ResampleCoefficients.fixedPoint(2.5 * unit) == 3)
        #expect(ResampleCoefficients.fixedPoint(-2.5 * unit) == -3)
        #expect(ResampleCoefficients.fixedPoint(2.25 * unit) == 2)
        #expect(ResampleCoefficients.fixedPoint(1) == 1 << 22)
    }

    /// Vertical first exactly when the height shrinks by more than twice as many pixels
    /// as the width does.
    @Test func thePassOrderFollowsTheSizes() {
        #expect(!BicubicResize.runsVerticalPassFirst(width: 20, height: 40, outputWidth: 15, outputHeight: 30))
        #expect(BicubicResize.runsVerticalPassFirst(width: 20, height: 40, outputWidth: 15, outputHeight: 29))
        #expect(BicubicResize.runsVerticalPassFirst(width: 10, height: 50, outputWidth: 24, outputHeight: 9))
        #expect(!BicubicResize.runsVerticalPassFirst(width: 10, height: 50, outputWidth: 24, outputHeight: 51))
        #expect(!BicubicResize.runsVerticalPassFirst(width: 1000, height: 872, outputWidth: 256, outputHeight: 256))
        #expect(BicubicResize.runsVerticalPassFirst(width: 300, height: 1000, outputWidth: 256, outputHeight: 256))
    }

    /// Resizing one dimension only resamples along it: every row (or column) is resized
    /// independently of the others.
    @Test func oneDimensionalResizesActPerRowAndColumn() {
        let image = Self.randomImage(width: 11, height: 6, seed: 2)
        let widened = BicubicResize.resize(image, width: 17, height: 6)
        for row in 0..<6 {
            let single = RGBImage(width: 11, height: 1, pixels: Array(image.pixels[(row * 33)..<((row + 1) * 33)]))
            #expect(BicubicResize.resize(single, width: 17, height: 1).pixels
                    == Array(widened.pixels[(row * 51)..<((row + 1) * 51)]))
        }
    }
}
