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
}
