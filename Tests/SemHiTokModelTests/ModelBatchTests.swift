import SemHiTok
@testable import SemHiTokModel
import TestSupport
import Testing

/// Batches and threads never change a result (Spec/architecture.md section 2.1): encoding,
/// semantic features and decoding of images in a batch are bit for bit those of each image
/// alone, with one thread or several.
struct ModelBatchTests {
    static let model = RepositoryPaths.golden("model")

    /// The inputs of the three tiny golden cases, and the first again, mirrored.
    private static func images() throws -> [RGBImage] {
        var images = try ["tiny_coffee_80x60", "tiny_gravel_64x64", "tiny_retina_100x75"].map { name in
            let (pixels, shape) = try WeightFile(contentsOf: model + "/" + name + ".shw").uint8s("input")
            return RGBImage(width: shape[1], height: shape[0], pixels: pixels)
        }
        let first = images[0]
        var mirrored = [UInt8]()
        for y in 0..<first.height {
            for x in (0..<first.width).reversed() {
                mirrored += first.pixels[((y * first.width + x) * 3)..<((y * first.width + x) * 3 + 3)]
            }
        }
        images.append(RGBImage(width: first.width, height: first.height, pixels: mirrored))
        return images
    }

    private static func bits(_ encoding: ImageEncoding) -> [[UInt32]] {
        [encoding.siglipInput.values, encoding.pixelEncoderInput.values, encoding.siglipFeatures.values,
         encoding.semanticProjection.values, encoding.semantic.scores, encoding.pixelProjection.values,
         encoding.pixel.scores].map { $0.map(\.bitPattern) }
            + [encoding.semantic.indices.map { UInt32(bitPattern: $0) }, encoding.pixel.indices.map { UInt32(bitPattern: $0) },
               encoding.tokens]
    }

    @Test func aBatchOfFourEncodesAsEachImageAlone() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        let images = try Self.images()
        let batch = try model.encode(images)
        for (image, encoding) in zip(images, batch) {
            #expect(Self.bits(encoding) == Self.bits(try model.encode(image)))
        }
    }

    /// Images prepared ahead (as `encode`'s preparation thread does) encode to the bits of
    /// `encode` on the images; prepared at two sizes, they are refused together.
    @Test func preparedImagesEncodeAsTheImages() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        let images = try Self.images()
        let prepared = try model.encode(prepared: images.map { try model.prepare($0) })
        #expect(try prepared.map(Self.bits) == model.encode(images).map(Self.bits))
        let side = model.resolutions.lowerBound
        #expect(throws: ModelError.mixedPreparedGrids) {
            try model.encode(prepared: [try model.prepare(images[0]), try model.prepare(images[1], resolution: side)])
        }
    }

    @Test func aBatchOfFourDecodesAsEachGridAlone() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        let tokens = try model.encode(try Self.images()).map(\.tokens)
        let batch = try model.decode(tokens: tokens, gridHeight: 8, gridWidth: 8)
        for (grid, decoded) in zip(tokens, batch) {
            #expect(decoded.values.map(\.bitPattern) == (try model.decode(tokens: grid, gridHeight: 8, gridWidth: 8)).values.map(\.bitPattern))
        }
    }

    @Test func aBatchOfFourHasTheSemanticFeaturesOfEachGridAlone() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        let indices = try model.encode(try Self.images()).map(\.semantic.indices)
        let batch = try model.semanticFeatures(semanticIndices: indices, gridHeight: 8, gridWidth: 8)
        for (grid, features) in zip(indices, batch) {
            let alone = try model.semanticFeatures(semanticIndices: grid, gridHeight: 8, gridWidth: 8)
            #expect(features.values.map(\.bitPattern) == alone.values.map(\.bitPattern))
        }
    }

    /// A model wide enough (256 tokens of 64 channels, 4 heads) that its matrix products
    /// and attention are split over threads: one thread and two give the same bits, for a
    /// batch of four and for one image.
    @Test func oneThreadAndTwoGiveTheSameBits() throws {
        var configuration = try #require(ModelConfiguration.named("tiny"))
        configuration.name = "threads-test"
        configuration.siglip.imageSize = 128
        configuration.siglip.stack = .init(hiddenSize: 64, numLayers: 1, numHeads: 4)
        configuration.siglip.intermediateSize = 256
        configuration.pixelEncoder = .init(hiddenSize: 64, numLayers: 1, numHeads: 4)
        configuration.pixelDecoder = .init(hiddenSize: 64, numLayers: 1, numHeads: 4)
        let folder = try TemporaryDirectory()
        try ModelInitializer.weights(for: configuration, seed: 3).write(to: folder.file("model.shw"))
        let model = try SemHiTokModel(contentsOf: folder.file("model.shw"))
        let images = try Self.images()
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }

        var runs: [([[[UInt32]]], [[UInt32]])] = []
        for threads in [1, 2] {
            ComputeThreads.count = threads
            let encodings = try model.encode(images)
            let decoded = try model.decode(tokens: encodings.map(\.tokens), gridHeight: 16, gridWidth: 16)
            runs.append((encodings.map(Self.bits), decoded.map { $0.values.map(\.bitPattern) }))
            #expect(Self.bits(try model.encode(images[3])) == Self.bits(encodings[3]))
        }
        #expect(runs[0].0 == runs[1].0)
        #expect(runs[0].1 == runs[1].1)
    }

    /// The feature entry points compute only what they need and give `encode`'s bits.
    @Test func featuresAloneAreThoseOfTheFullEncoding() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        let images = try Self.images()
        let encodings = try model.encode(images)
        let siglip = try model.siglipFeatures(images)
        let semantic = try model.semanticFeatures(images)
        for (index, encoding) in encodings.enumerated() {
            #expect(siglip[index].values.map(\.bitPattern) == encoding.siglipFeatures.values.map(\.bitPattern))
            let expected = try model.semanticFeatures(semanticIndices: encoding.semantic.indices, gridHeight: 8, gridWidth: 8)
            #expect(semantic[index].values.map(\.bitPattern) == expected.values.map(\.bitPattern))
        }
    }

    @Test func decodingRefusesAGridOfTheWrongSize() throws {
        let model = try SemHiTokModel(contentsOf: Self.model + "/tiny.shw")
        #expect(throws: ModelError.gridMismatch(tokens: 63, rows: 8, columns: 8)) {
            try model.decode(tokens: [[UInt32](repeating: 0, count: 64), [UInt32](repeating: 0, count: 63)], gridHeight: 8, gridWidth: 8)
        }
        #expect(throws: ModelError.semanticIndexOutOfRange(index: 64, codebookSize: 64)) {
            try model.semanticFeatures(semanticIndices: [Int32](repeating: 64, count: 64), gridHeight: 8, gridWidth: 8)
        }
    }
}
