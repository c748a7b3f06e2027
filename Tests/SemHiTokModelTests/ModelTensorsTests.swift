import SemHiTok
@testable import SemHiTokModel
import TestSupport
import Testing

/// The tensors the modules declare are exactly Spec/architecture.md section 4's table.
struct ModelTensorsTests {
    /// The table's rows counted for `tiny` (2 SigLIP layers with post-LayerNorm, one block in
    /// each other stack): SigLIP 2 + 1 + 16 per layer + 2; semantic quantizer 2 + 2 + 1;
    /// semantic decoder 2 + 1 + 12 per block + 2 + 2 + 2; pixel encoder 2 + 1 + 12 + 2 + 2;
    /// pixel quantizer 1; pixel decoder 2 + 1 + 12 + 2 + 2.
    @Test func tinyHasTheTablesTensorCount() throws {
        let tiny = try #require(ModelConfiguration.named("tiny"))
        let names = tiny.tensorShapes.map(\.name)
        #expect(names.count == (3 + 32 + 2) + 5 + (3 + 12 + 6) + (3 + 12 + 4) + 1 + (3 + 12 + 4))
        #expect(Set(names).count == names.count)
    }

    /// A shape of each kind of row of the table, for `tiny`: `C = 32`, `P = 8`, `G = 8`,
    /// `I = 64`, `D_p = 32`, `D_q = 8`, `K = 64`, `m = 4`, `d = 4`, `P_pix = 8`, stacks 32 wide.
    @Test func tinyShapesFollowTheTable() throws {
        let shapes = Dictionary(uniqueKeysWithValues: try #require(ModelConfiguration.named("tiny")).tensorShapes.map { ($0.name, $0.shape) })
        let expected: [String: [Int]] = [
            "siglip.vision_model.embeddings.patch_embedding.weight": [32, 3, 8, 8],
            "siglip.vision_model.embeddings.position_embedding.weight": [64, 32],
            "siglip.vision_model.encoder.layers.1.self_attn.out_proj.weight": [32, 32],
            "siglip.vision_model.encoder.layers.1.mlp.fc1.weight": [64, 32],
            "siglip.vision_model.encoder.layers.0.mlp.fc2.bias": [32],
            "siglip.vision_model.post_layernorm.bias": [32],
            "semantic_quantizer.proj.0.weight": [32, 32],
            "semantic_quantizer.proj.2.weight": [8, 32],
            "semantic_quantizer.codebook": [64, 8],
            "semantic_decoder.input_proj.weight": [32, 8],
            "semantic_decoder.blocks.0.attn.qkv.weight": [96, 32],
            "semantic_decoder.blocks.0.mlp.fc2.weight": [32, 128],
            "semantic_decoder.head.2.weight": [32, 32],
            "pixel_encoder.patch_embed.proj.weight": [32, 3, 8, 8],
            "pixel_encoder.code_proj.weight": [4, 32],
            "pixel_quantizer.codebook": [64, 4, 4],
            "pixel_decoder.input_proj.weight": [32, 12],
            "pixel_decoder.pos_embed": [64, 32],
            "pixel_decoder.head.weight": [192, 32],
            "pixel_decoder.head.bias": [192],
        ]
        for (name, shape) in expected {
            #expect(shapes[name] == shape, "\(name)")
        }
    }

    /// Without the post-LayerNorm its two tensors are not declared (a file holding them is refused).
    @Test func noPostLayerNormDeclaresNone() throws {
        var configuration = try #require(ModelConfiguration.named("tiny"))
        configuration.siglip.postLayerNorm = false
        #expect(!configuration.tensorShapes.contains { $0.name.contains("post_layernorm") })
    }

    /// `golden/model/tiny.shw`, written by the Python initializer from the same table, holds
    /// exactly the names and shapes the Swift modules declare.
    @Test func theGoldenTinyModelHoldsTheDeclaredTensors() throws {
        let file = try WeightFile(contentsOf: RepositoryPaths.golden("model/tiny.shw"))
        let declared = try #require(ModelConfiguration.named("tiny")).tensorShapes
        #expect(file.tensors.map(\.name).sorted() == declared.map(\.name).sorted())
        for (name, shape) in declared {
            #expect(try file.tensor(name).shape == shape, "\(name)")
        }
    }
}
