import SemHiTok
@testable import SemHiTokModel
import TestSupport
import Testing

/// The grid of an input and the batching of records of mixed grids (Spec/architecture.md
/// section 1, Spec/tokens.md section 1).
struct ModelGridTests {
    /// `floor(resolution / P)`: so400m's `P = 14` at 384 gives 27, at 14 gives 1, at 41 gives 2.
    @Test func theGridSideIsTheResolutionOverThePatchRoundedDown() throws {
        let so400m = try #require(ModelConfiguration.named("so400m-384"))
        #expect(try so400m.gridSide() == 27)
        #expect(try so400m.gridSide(resolution: 14) == 1)
        #expect(try so400m.gridSide(resolution: 41) == 2)
        #expect(so400m.pixelImageSize(gridSide: 2) == 32)
    }

    @Test func aResolutionBelowOnePatchIsRefused() throws {
        let tiny = try #require(ModelConfiguration.named("tiny"))
        #expect(throws: ModelError.invalidResolution(7, patchSize: 8)) { try tiny.gridSide(resolution: 7) }
    }

    /// The header names the model (fingerprint, `K`, `m`) and the grid of the resolution.
    @Test func theTokenFileHeaderNamesTheModelAndTheGrid() throws {
        let model = try SemHiTokModel(contentsOf: RepositoryPaths.golden("model/tiny.shw"))
        let header = try model.tokenFileHeader(resolution: 100)
        #expect(header.modelFingerprint == model.fingerprint)
        #expect((header.semanticCodebookSize, header.pixelCodebookSize) == (64, 4))
        #expect((header.gridHeight, header.gridWidth) == (12, 12))
        #expect(try model.tokenFileHeader().gridHeight == 8)
    }

    /// Records of 8 x 8, 8 x 8, 4 x 6 and 8 x 8 decode in order, each as it decodes alone.
    @Test func recordsOfMixedGridsDecodeAsEachAlone() throws {
        let model = try SemHiTokModel(contentsOf: RepositoryPaths.golden("model/tiny.shw"))
        var generator = SplitMix64(seed: 5)
        let grids = [(8, 8), (8, 8), (4, 6), (8, 8)]
        let records = grids.enumerated().map { index, grid in
            TokenRecord(key: "\(index)", gridHeight: grid.0, gridWidth: grid.1,
                        tokens: (0..<(grid.0 * grid.1)).map { _ in UInt32(generator.next() % 256) })
        }
        let decoded = try model.decode(records)
        #expect(decoded.count == 4)
        for (record, image) in zip(records, decoded) {
            let alone = try model.decode(tokens: record.tokens, gridHeight: record.gridHeight, gridWidth: record.gridWidth)
            #expect((image.height, image.width) == (record.gridHeight * 8, record.gridWidth * 8))
            #expect(image.values.map(\.bitPattern) == alone.values.map(\.bitPattern))
        }
    }

    /// The largest resolution of each named configuration is the largest whose grid fits the
    /// memory budget and whose two inputs fit the image limits; one grid more breaks one of
    /// these (or the limit on SigLIP's input side).
    @Test(arguments: ModelConfiguration.names)
    func theLargestResolutionIsTheLargestThatFits(name: String) throws {
        let configuration = try #require(ModelConfiguration.named(name))
        let budget = SemHiTokModel.defaultMemoryBudget
        let side = ImageLimits.standard.maximumSquareSide
        let maximum = configuration.resolutions(memoryBudget: budget).upperBound
        let grid = try configuration.gridSide(resolution: maximum)
        #expect(maximum <= side)
        #expect(configuration.encodingBytes(gridSide: grid) <= budget)
        #expect(configuration.pixelImageSize(gridSide: grid) <= side)
        let next = grid + 1
        #expect((next * configuration.siglip.patchSize > side) || configuration.encodingBytes(gridSide: next) > budget
            || configuration.pixelImageSize(gridSide: next) > side)
    }

    /// A memory budget of two images' encoding, or one grid's decoding, splits the batches;
    /// every result is still the bits of the unsplit computation.
    @Test func aSmallMemoryBudgetSplitsBatchesWithoutChangingABit() throws {
        let path = RepositoryPaths.golden("model/tiny.shw")
        let model = try SemHiTokModel(contentsOf: path)
        let configuration = model.configuration
        let images = (0..<5).map { seed in
            var generator = SplitMix64(seed: UInt64(seed))
            return RGBImage(width: 40, height: 30, pixels: (0..<3600).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        let whole = try model.encode(images)
        let pairs = try SemHiTokModel(contentsOf: path, memoryBudget: 2 * configuration.encodingBytes(gridSide: 8) + 1)
        #expect(try pairs.encode(images).map(\.tokens) == whole.map(\.tokens))
        #expect(try pairs.siglipFeatures(images).map { $0.values.map(\.bitPattern) }
            == whole.map { $0.siglipFeatures.values.map(\.bitPattern) })

        let decoded = try model.decode(tokens: whole.map(\.tokens), gridHeight: 8, gridWidth: 8)
        let single = try SemHiTokModel(contentsOf: path, memoryBudget: configuration.decodingBytes(rows: 8, columns: 8))
        #expect(try single.decode(tokens: whole.map(\.tokens), gridHeight: 8, gridWidth: 8).map { $0.values.map(\.bitPattern) }
            == decoded.map { $0.values.map(\.bitPattern) })
    }

    /// A grid whose decoding needs more than the budget, and a resolution above the largest,
    /// are refused before anything is computed.
    @Test func whatDoesNotFitTheBudgetIsRefused() throws {
        let path = RepositoryPaths.golden("model/tiny.shw")
        let configuration = try SemHiTokModel(contentsOf: path).configuration
        let budget = configuration.decodingBytes(rows: 8, columns: 8) - 1
        let small = try SemHiTokModel(contentsOf: path, memoryBudget: budget)
        #expect(throws: ModelError.gridTooLarge(rows: 8, columns: 8, bytes: budget + 1, budget: budget)) {
            try small.decode(tokens: [UInt32](repeating: 0, count: 64), gridHeight: 8, gridWidth: 8)
        }
        let model = try SemHiTokModel(contentsOf: path)
        #expect(throws: ModelError.resolutionTooLarge(8193, maximum: 8192)) {
            try model.encode(RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), resolution: 8193)
        }
    }
}
