import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// JPEG decoding against Pillow: the committed fixtures of golden/images/jpeg (written and
/// decoded by tools/make_jpeg_fixtures.py) and the photographs of ../shared/testdata.
/// Spec/jpeg.md section 10 records the agreement reached: every pixel equal.
struct JPEGConformanceTests {
    static let folder = RepositoryPaths.golden("images/jpeg")
    static let photographs = ["hubble_deep_field.jpg", "retina.jpg", "rocket.jpg"]

    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let expected = try WeightFile(contentsOf: Self.folder + "/expected.shw")
        #expect(expected.tensors.count == 178)
        for tensor in expected.tensors {
            let image = try JPEGDecoder.decode(try readBytes(Self.folder + "/" + tensor.name))
            #expect([image.height, image.width, 3] == tensor.shape, "\(tensor.name)")
            guard [image.height, image.width, 3] == tensor.shape else { continue }
            let difference = Self.difference(image.pixels, Array(expected.bytes(of: tensor)))
            #expect(difference.maximum == 0, "\(tensor.name): max \(difference.maximum), mean \(difference.mean)")
        }
    }

    @Test(.enabled(if: RepositoryPaths.sharedTestData != nil, Comment(rawValue: RepositoryPaths.sharedTestDataMissing)))
    func decodesThePhotographsToPillowsPixels() throws {
        let reference = try WeightFile(contentsOf: Self.folder + "/photographs.shw")
        let step = 32
        for name in Self.photographs {
            let image = try JPEGDecoder.decode(try readBytes((RepositoryPaths.sharedTestData ?? "") + "/images/" + name))
            #expect(image.width == Int(try reference.int(name + ".width")), "\(name)")
            #expect(image.height == Int(try reference.int(name + ".height")), "\(name)")
            let digest = sha256Text(image.pixels)
            #expect(digest == (try reference.string(name + ".sha256")), "\(name)")
            var sampled: [UInt8] = []
            for y in stride(from: 0, to: image.height, by: step) {
                for x in stride(from: 0, to: image.width, by: step) {
                    sampled += image.pixels[(3 * (y * image.width + x))..<(3 * (y * image.width + x) + 3)]
                }
            }
            let difference = Self.difference(sampled, Array(reference.bytes(of: try reference.tensor(name))))
            #expect(difference.maximum == 0, "\(name): max \(difference.maximum), mean \(difference.mean)")
        }
    }

    @Test func bytesAndBufferEntryPointsAgree() throws {
        let bytes = try readBytes(Self.folder + "/photo_33x17_q75_420_progressive.jpg")
        let fromArray = try JPEGDecoder.decode(bytes)
        let fromBuffer = try bytes.withUnsafeBytes { try JPEGDecoder.decode($0) }
        #expect(fromArray == fromBuffer)
    }

    /// The largest and the mean absolute difference of two equally long byte arrays.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> (maximum: Int, mean: Double) {
        guard a.count == b.count, !a.isEmpty else { return (Int.max, .infinity) }
        var maximum = 0
        var total = 0
        for (x, y) in zip(a, b) {
            let d = abs(Int(x) - Int(y))
            maximum = max(maximum, d)
            total += d
        }
        return (maximum, Double(total) / Double(a.count))
    }
}
