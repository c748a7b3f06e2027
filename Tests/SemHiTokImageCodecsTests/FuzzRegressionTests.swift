import Foundation
import SemHiTok
import TestSupport
import Testing

/// The inputs in golden/fuzz/ that once crashed an image decoder under the fuzz targets
/// (Fuzz/): each is refused with the error named here, with the decoder and limits its
/// target uses. A reproducer added there without an entry here fails.
struct FuzzRegressionTests {
    /// Each reproducer under golden/fuzz/, by target folder and name, and its error.
    static let expected: [String: ImageDecodingProblem] = [
        "jpeg/dht_oversubscribed_length_1.jpg": .corrupt("Huffman table over-subscribes the codes of length 1"),
    ]

    static let targets = ["png", "jpeg", "gif", "bmp", "ppm"]

    @Test func everyReproducerHasAnExpectedError() throws {
        var found: [String] = []
        for target in Self.targets {
            let folder = RepositoryPaths.golden("fuzz/" + target)
            guard FileManager.default.fileExists(atPath: folder) else { continue }
            found += try FileManager.default.contentsOfDirectory(atPath: folder).map { target + "/" + $0 }
        }
        #expect(found.sorted() == Self.expected.keys.sorted())
    }

    @Test(arguments: expected.keys.sorted())
    func reproducerIsRefused(_ name: String) throws {
        let bytes = try readBytes(RepositoryPaths.golden("fuzz/" + name))
        let target = String(name.prefix { $0 != "/" })
        #expect(throws: Self.expected[name]!) {
            try bytes.withUnsafeBytes { try Self.decode($0, as: target) }
        }
    }

    /// Decodes `bytes` as the fuzz target `target` does, with its limits
    /// (Fuzz/Sources/FuzzSupport/Fuzzer.swift).
    private static func decode(_ bytes: UnsafeRawBufferPointer, as target: String) throws(ImageDecodingProblem) {
        let limits = ImageLimits(maximumPixelCount: 1 << 22)
        switch target {
        case "png": _ = try PNGDecoder.decode(bytes, limits: limits)
        case "jpeg": _ = try JPEGDecoder.decode(bytes, limits: limits)
        case "gif": _ = try GIFDecoder.decode(bytes, limits: limits)
        case "bmp": _ = try BMPDecoder.decode(bytes, limits: limits)
        default: _ = try PPMDecoder.decode(bytes, limits: limits)
        }
    }
}
