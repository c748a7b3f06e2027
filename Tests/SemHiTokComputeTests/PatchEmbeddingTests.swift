import SemHiTok
@testable import SemHiTokCompute
import TestSupport
import Testing

/// The patch embedding (Spec/architecture.md section 2, `Conv`): each row is the patch's
/// pixels in (channel, row, column) order times the kernel, plus the bias; rows and columns
/// past the last whole patch are not read (so400m/14 at 384 px).
struct PatchEmbeddingTests {
    private static func image(height: Int, width: Int, seed: UInt64) throws -> ImageTensor {
        var random = SplitMix64(seed: seed)
        return try ImageTensor(height: height, width: width,
                               values: (0..<(3 * height * width)).map { _ in random.float(in: -1...1) })
    }

    /// A kernel of `channels` outputs for `patch`-pixel patches, and its values.
    private static func layer(channels: Int, patch: Int, seed: UInt64) -> (LinearWeights, weights: [Float], bias: [Float]) {
        var random = SplitMix64(seed: seed)
        let inputs = 3 * patch * patch
        let weights = (0..<(channels * inputs)).map { _ in random.float(in: -1...1) }
        let bias = (0..<channels).map { _ in random.float(in: -1...1) }
        return (LinearWeights(weight: weights, bias: bias, outputs: channels, inputs: inputs), weights, bias)
    }

    /// Every output against the Spec's sum, taken in the same (channel, row, column) order.
    @Test func eachRowIsTheKernelAppliedToOnePatch() throws {
        let (p, channels) = (4, 5)
        let image = try Self.image(height: 8, width: 12, seed: 1)
        let (layer, weights, bias) = Self.layer(channels: channels, patch: p, seed: 2)
        let output = PatchEmbedding(projection: layer, patchSize: p)(image)
        #expect((output.rows, output.columns) == (6, channels))
        for gy in 0..<2 {
            for gx in 0..<3 {
                for c in 0..<channels {
                    let sum = ReferenceArithmetic.productSum(count: 3 * p * p, { weights[c * 3 * p * p + $0] }) { k in
                        let (ch, pixel) = k.quotientAndRemainder(dividingBy: p * p)
                        let (py, px) = pixel.quotientAndRemainder(dividingBy: p)
                        return image[ch, gy * p + py, gx * p + px]
                    }
                    #expect(output.values[(gy * 3 + gx) * channels + c] == sum + bias[c])
                }
            }
        }
    }

    /// A 70 x 75 image with 8-pixel patches gives the 8 x 9 grid of its top-left 64 x 72 crop.
    @Test func pixelsPastTheLastWholePatchAreNotRead() throws {
        let p = 8
        let image = try Self.image(height: 70, width: 75, seed: 3)
        var cropped = [Float]()
        for ch in 0..<3 {
            for y in 0..<64 {
                for x in 0..<72 { cropped.append(image[ch, y, x]) }
            }
        }
        let embedding = PatchEmbedding(projection: Self.layer(channels: 6, patch: p, seed: 4).0, patchSize: p)
        let whole = embedding(image)
        #expect(whole.rows == 8 * 9)
        #expect(whole == embedding(try ImageTensor(height: 64, width: 72, values: cropped)))
    }
}
