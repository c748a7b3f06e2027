import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// PPM and PGM: Pillow's pixels for every maximum-value regime, the encoder, and errors.
struct PPMTests {
    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let folder = RepositoryPaths.golden("images/ppm")
        let expected = try WeightFile(contentsOf: folder + "/expected.shw")
        #expect(expected.tensors.count == 11)
        for tensor in expected.tensors {
            let bytes = try readBytes(folder + "/" + tensor.name)
            let image = try bytes.withUnsafeBytes { try PPMDecoder.decode($0) }
            #expect([image.height, image.width, 3] == tensor.shape, "\(tensor.name)")
            #expect(image.pixels == Array(expected.bytes(of: tensor)), "\(tensor.name)")
        }
    }

    /// Ties of `v * 255 / maxval` go to the even value: 30 * 255 / 100 = 76.5 gives 76 and
    /// 50 * 255 / 100 = 127.5 gives 128.
    @Test func scalingRoundsHalfToEven() {
        let table = PPMDecoder.scaleTable(maxval: 100, to: 255)
        #expect(table[30] == 76)
        #expect(table[50] == 128)
        #expect(table[100] == 255)
        #expect(PPMDecoder.scaleTable(maxval: 255, to: 255) == (0...255).map(UInt32.init))
    }

    @Test func encoderWritesTheP6HeaderAndThePixels() throws {
        let image = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 250, 251, 252])
        let bytes = PPMEncoder.encode(image)
        #expect(bytes == Array("P6\n2 1\n255\n".utf8) + [1, 2, 3, 250, 251, 252])
        #expect(try bytes.withUnsafeBytes { try PPMDecoder.decode($0) } == image)
    }

    @Test func rejectsMalformedFiles() {
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("not netpbm", Array("GIF89a".utf8), .corrupt("not a PPM or PGM file")),
            ("ascii ppm", Array("P3\n1 1\n255\n1 2 3\n".utf8),
             .unsupported("Netpbm variant P3; only binary PGM (P5) and PPM (P6) are read")),
            ("truncated header", Array("P6\n12".utf8), .truncated("the height")),
            ("bad number", Array("P6\nx 1\n255\n".utf8), .corrupt("the width is not a number")),
            ("maxval 0", Array("P5\n1 1\n0\n".utf8) + [0], .corrupt("maximum value 0 is not 1 to 65535")),
            ("short raster", Array("P6\n2 1\n255\n".utf8) + [1, 2, 3], .truncated("the pixel data (6 bytes needed)")),
            ("zero width", Array("P5\n0 1\n255\n".utf8), .corrupt("image size 0 x 1")),
            ("huge", Array("P6\n100000 100000\n255\n".utf8),
             .tooLarge(width: 100_000, height: 100_000, limit: ImageLimits.standard.maximumPixelCount)),
        ]
        for (name, bytes, problem) in cases {
            #expect(throws: problem, "\(name)") { try bytes.withUnsafeBytes { try PPMDecoder.decode($0) } }
        }
    }
}
