import Foundation
import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// The PNG encoder: what it writes decodes to the same pixels at every size, its layout is
/// an 8-bit RGB PNG, and it still writes exactly the committed files in
/// `golden/images/png/encoder/`, which `tools/test_png_encoder.py` opens with Pillow.
struct PNGEncoderTests {
    /// The committed encoder outputs: name, size and pattern (`EncoderPattern`).
    static let fixtures: [(name: String, width: Int, height: Int, pattern: EncoderPattern)] = [
        ("textured_1x1.png", 1, 1, .textured), ("textured_37x19.png", 37, 19, .textured),
        ("smooth_64x48.png", 64, 48, .smooth), ("noise_20x10.png", 20, 10, .noise),
    ]

    @Test func roundTripsImagesOfManySizes() throws {
        var generator = SplitMix64(seed: 61)
        let sizes = [(1, 1), (2, 1), (1, 2), (3, 5), (17, 9), (255, 3), (1, 300), (513, 300)]
        for (width, height) in sizes {
            let noise = RGBImage(width: width, height: height,
                                 pixels: (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            for image in [noise, EncoderPattern.smooth.image(width: width, height: height),
                          EncoderPattern.textured.image(width: width, height: height)] {
                #expect(try PNGDecoder.decode(PNGEncoder.encode(image)) == image, "\(width) x \(height)")
            }
        }
    }

    @Test func roundTripsALargeImageAndCompressesIt() throws {
        var generator = SplitMix64(seed: 62)
        var image = EncoderPattern.smooth.image(width: 1000, height: 700)
        for index in stride(from: 0, to: image.pixels.count, by: 7) { image.pixels[index] &+= UInt8(generator.next() % 3) }
        let file = PNGEncoder.encode(image)
        #expect(try PNGDecoder.decode(file) == image)
        #expect(file.count < image.pixels.count / 4)
    }

    /// A stream above 1 MiB is split over IDAT chunks of exactly 1 MiB.
    @Test func splitsLargeStreamsIntoMebibyteChunks() throws {
        var generator = SplitMix64(seed: 63)
        let image = RGBImage(width: 700, height: 600, pixels: (0..<(700 * 600 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let file = PNGEncoder.encode(image)
        let lengths = chunkLayout(file).filter { $0.type == "IDAT" }.map(\.length)
        #expect(lengths.count == 2)
        #expect(lengths.first == 1 << 20)
        #expect(try PNGDecoder.decode(file) == image)
    }

    @Test func writesAnEightBitRGBHeaderAndOneImageDataStream() {
        let file = PNGEncoder.encode(EncoderPattern.textured.image(width: 37, height: 19))
        #expect(Array(file[..<8]) == PNGTestFile.signature)
        #expect(chunkLayout(file).map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(Array(file[16..<29]) == PNGTestFile.bigEndian(37) + PNGTestFile.bigEndian(19) + [8, 2, 0, 0, 0])
    }

    /// Set `SEMHITOK_WRITE_PNG_ENCODER_FIXTURES=1` to rewrite the files after a deliberate
    /// change to the encoder's output (golden/images/png/README.md).
    @Test func writesTheCommittedFixtureBytes() throws {
        let folder = RepositoryPaths.golden("images/png/encoder/")
        let rewrite = ProcessInfo.processInfo.environment["SEMHITOK_WRITE_PNG_ENCODER_FIXTURES"] == "1"
        for fixture in Self.fixtures {
            let bytes = PNGEncoder.encode(fixture.pattern.image(width: fixture.width, height: fixture.height))
            if rewrite {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try writeBytes(bytes, to: folder + fixture.name)
            }
            #expect(bytes == (try readBytes(folder + fixture.name)), "\(fixture.name)")
        }
    }

    /// (type, data length) of each chunk of a well-formed file.
    private func chunkLayout(_ file: [UInt8]) -> [(type: String, length: Int)] {
        var chunks: [(String, Int)] = []
        var offset = 8
        while offset + 12 <= file.count {
            let length = file[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            chunks.append((String(decoding: file[(offset + 4)..<(offset + 8)], as: UTF8.self), length))
            offset += 12 + length
        }
        return chunks
    }
}

/// Deterministic test images, defined so that `tools/test_png_encoder.py` can rebuild them:
/// for pixel (x, y),
/// - smooth: R = 4x mod 256, G = 5y mod 256, B = 2(x + y) mod 256;
/// - textured: R = (7x + 3y) mod 256, G = xy mod 256, B = (31x^2 + 17y + (xy >> 3)) mod 256;
/// - noise: for sample i = 3 (y width + x) + channel, with 32-bit wrapping arithmetic,
///   h = 2654435761 i, h = h xor (h >> 15), h = 2246822519 h, and the sample is h >> 24.
enum EncoderPattern {
    case smooth, textured, noise

    func image(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let values = switch self {
                case .smooth: [4 * x, 5 * y, 2 * (x + y)]
                case .textured: [7 * x + 3 * y, x * y, 31 * x * x + 17 * y + (x * y) >> 3]
                case .noise: (0..<3).map { channel in
                    var h = UInt32(truncatingIfNeeded: 3 * (y * width + x) + channel) &* 2_654_435_761
                    h = (h ^ h >> 15) &* 2_246_822_519
                    return Int(h >> 24)
                }
                }
                pixels += values.map { UInt8(truncatingIfNeeded: $0) }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
