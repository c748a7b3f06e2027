import SemHiTok
@testable import SemHiTokModel
import TestSupport
import Testing

/// The deterministic initialisation of Spec/architecture.md section 7, against values worked
/// out from its formulas and the published constants of FNV-1a and SplitMix64.
struct ModelInitializerTests {
    /// FNV-1a 64 of "" is the offset basis; of "a", 0xAF63DC4C8601EC8C (the published value).
    @Test func fnv1aMatchesPublishedValues() {
        #expect(ModelInitializer.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(ModelInitializer.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
    }

    /// SplitMix64 seeded with 0 first returns 0xE220A8397B1DCDAF: `mix(0 + golden)`.
    @Test func mixIsSplitMix64() {
        #expect(ModelInitializer.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
    }

    /// With the seed equal to the name's hash the key is 0, so element 0 draws
    /// 0xE220A8397B1DCDAF, whose top 24 bits are 0xE220A8 = 14819496.
    @Test func elementValuesFollowTheFormula() {
        let w0 = Float(14_819_496) * 0x1p-23 - 1
        for (name, shape, expected) in [
            ("x.bias", [1], w0 * Float(0.02)),
            ("x.pos_embed", [1, 1], w0 * Float(0.02)),
            ("x.norm.weight", [1], 1 + w0 * Float(0.1)),
            ("x.weight", [1, 4], w0 * Float(0.5)),
        ] {
            let values = ModelInitializer.values(name: name, shape: shape, seed: ModelInitializer.fnv1a64(name))
            #expect(values[0].bitPattern == expected.bitPattern, "\(name)")
        }
    }

    @Test func codebookRowsAreNormalized() {
        let rows = ModelInitializer.values(name: "semantic_quantizer.codebook", shape: [5, 8], seed: 3)
        let uniform = ModelInitializer.uniformValues(count: 40, key: ModelInitializer.fnv1a64("semantic_quantizer.codebook") ^ 3)
        for row in 0..<5 {
            #expect(Array(rows[(row * 8)..<((row + 1) * 8)]) == ReferenceSearch.normalize(uniform[(row * 8)..<((row + 1) * 8)]))
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherWeights() throws {
        let folder = try TemporaryDirectory()
        let tiny = try #require(ModelConfiguration.named("tiny"))
        try ModelInitializer.weights(for: tiny, seed: 7).write(to: folder.file("a.shw"))
        try ModelInitializer.weights(for: tiny, seed: 7).write(to: folder.file("b.shw"))
        try ModelInitializer.weights(for: tiny, seed: 8).write(to: folder.file("c.shw"))
        #expect(try readBytes(folder.file("a.shw")) == readBytes(folder.file("b.shw")))
        #expect(try readBytes(folder.file("a.shw")) != readBytes(folder.file("c.shw")))
    }

    /// Every named configuration is consistent and round-trips through its keys.
    @Test(arguments: ModelConfiguration.names)
    func namedConfigurationsAreValid(name: String) throws {
        let configuration = try #require(ModelConfiguration.named(name))
        #expect(configuration.problem() == nil)
        #expect(configuration.name == name)
        var builder = WeightFileBuilder()
        builder.config = configuration.configValues
        let folder = try TemporaryDirectory()
        try builder.write(to: folder.file("config.shw"))
        #expect(try ModelConfiguration(WeightFile(contentsOf: folder.file("config.shw"))) == configuration)
    }

    /// The embedded default model has the `demo` row of the table: its configuration is
    /// the named one, entry for entry.
    @Test func theEmbeddedDefaultModelIsTheDemoConfiguration() throws {
        #expect(try DefaultModel.load().configuration == (try #require(ModelConfiguration.named("demo"))))
    }

    /// so400m/14 at 384 px: a 27 x 27 grid, and a 432 x 432 pixel branch (27 x 16).
    @Test func so400mUsesA27GridAndA432PixelBranch() throws {
        let configuration = try #require(ModelConfiguration.named("so400m-384"))
        #expect(configuration.gridSize == 27)
        #expect(configuration.pixelImageSize == 432)
        #expect(configuration.vocabularySize == 196_608)
    }
}
