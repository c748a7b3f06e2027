import Foundation
import SemHiTok
@testable import SemHiTokConvert
import TestSupport
import Testing

/// The committed HuggingFace checkpoints of golden/convert (written by transformers 5 and the
/// PyTorch reference's exporter, see its README) convert to containers whose features and
/// tokens are transformers' and the reference's: features within the conformance
/// tolerance (`1e-4`, Spec/conformance.md section 5), tokens exactly (their margins are at
/// least `1e-3`).
struct GoldenConversionTests {
    static let folder = RepositoryPaths.golden("convert")
    static let checkpoints = ["siglip-vision", "siglip-sharded", "siglip-full"]

    private func image() throws -> RGBImage {
        try ImageFile.read(RepositoryPaths.golden("images/photo/chelsea.jpg"))
    }

    private func expected(_ name: String) throws -> NumPyArray {
        try NumPyArray(contentsOf: Self.folder + "/expected/" + name + ".npy")
    }

    /// Converts `checkpoint` (with `head` and `options`) into `output` and opens it.
    private func convert(_ checkpoint: String, head: String? = nil, options: CheckpointConversion.Options = .init(),
                         to output: String) throws -> WeightFile {
        try CheckpointConversion(siglip: Self.folder + "/" + checkpoint, head: head.map { Self.folder + "/" + $0 }, options: options)
            .write(to: output)
        return try WeightFile(contentsOf: output)
    }

    @Test(arguments: checkpoints)
    func theWholeTowerGivesTransformersLastHiddenState(checkpoint: String) throws {
        let folder = try TemporaryDirectory()
        let features = try SiglipModel(convert(checkpoint, to: folder.file("tower.shw"))).siglipFeatures([image()], resolution: nil)
        let expected = try expected("siglip_last_hidden_state")
        #expect(expected.shape == [1, features[0].rows, features[0].columns])
        #expect(normalisedError(features[0].values, expected.values) <= 1e-4)
    }

    @Test(arguments: checkpoints)
    func twoLayersGiveTransformersHiddenStatesTwo(checkpoint: String) throws {
        let folder = try TemporaryDirectory()
        let file = try convert(checkpoint, options: .init(siglipLayers: 2), to: folder.file("tower.shw"))
        let features = try SiglipModel(file).siglipFeatures([image()], resolution: nil)
        #expect(normalisedError(features[0].values, try expected("siglip_hidden_states_2").values) <= 1e-4)
    }

    @Test func theThreeCheckpointLayoutsGiveTheSameContainer() throws {
        let folder = try TemporaryDirectory()
        let containers = try Self.checkpoints.map { checkpoint in
            var options = CheckpointConversion.Options()
            options.name = "tower"
            _ = try convert(checkpoint, options: options, to: folder.file(checkpoint + ".shw"))
            return try readBytes(folder.file(checkpoint + ".shw"))
        }
        #expect(containers[1] == containers[0])
        #expect(containers[2] == containers[0])
    }

    @Test func theHeadWithTheTowerGivesTheReferencesTokensAndFeatures() throws {
        let folder = try TemporaryDirectory()
        let file = try convert("siglip-vision", head: "head.safetensors", to: folder.file("model.shw"))
        #expect(try file.string("model.config_name") == "convert-fixture")
        #expect(try file.int("siglip.num_layers") == 2)
        let model = try SemHiTokModel(file)
        let encoding = try model.encode(image())
        #expect(encoding.tokens.map(Int32.init) == (try expected("semhitok_tokens").integers))
        let features = try model.semanticFeatures([image()])
        #expect(normalisedError(features[0].values, try expected("semhitok_semantic_features").values) <= 1e-4)
    }
}
