import Foundation
import SemHiTok
@testable import SemHiTokConvert
import TestSupport
import Testing

/// A SigLIP checkpoint that is not what it claims is refused with an error naming the file
/// and the tensor or field, and nothing is written (Spec/convert.md sections 2, 3 and 7).
struct CheckpointErrorTests {
    /// A checkpoint of the tiny model's tower in `style`, to be spoilt by a test.
    private func checkpoint(_ style: SiglipCheckpointFixture.KeyStyle = .unprefixed) throws
        -> (folder: TemporaryDirectory, fixture: SiglipCheckpointFixture)
    {
        let folder = try TemporaryDirectory()
        return (folder, try SiglipCheckpointFixture(tinyModelFile(in: folder), style: style))
    }

    /// The error converting `fixture` throws; checks that no output was left behind.
    private func conversionError(_ fixture: SiglipCheckpointFixture, in folder: TemporaryDirectory,
                                 options: CheckpointConversion.Options = .init()) throws -> ConvertError? {
        let directory = folder.file("checkpoint")
        try fixture.write(to: directory)
        defer { #expect(!FileManager.default.fileExists(atPath: folder.file("out.shw"))) }
        do {
            try CheckpointConversion(siglip: directory, head: nil, options: options).write(to: folder.file("out.shw"))
            return nil
        } catch let error as ConvertError {
            return error
        }
    }

    @Test func anUnknownTensorIsNamed() throws {
        var (folder, fixture) = try checkpoint()
        fixture.entries.append(SafetensorsEntry(name: "encoder.layers.2.mlp.fc1.bias", shape: [64], float32: .init(repeating: 0, count: 64)))
        #expect(try conversionError(fixture, in: folder)
            == ConvertError(path: folder.file("checkpoint/model.safetensors"), kind: .unknownTensor("encoder.layers.2.mlp.fc1.bias")))
    }

    @Test func aMissingTensorIsNamed() throws {
        var (folder, fixture) = try checkpoint()
        fixture.entries.removeAll { $0.name == "encoder.layers.1.self_attn.v_proj.bias" }
        #expect(try conversionError(fixture, in: folder)
            == ConvertError(path: folder.file("checkpoint"), kind: .missingTensor("encoder.layers.1.self_attn.v_proj.bias")))
    }

    @Test func aConfigurationThatDisagreesWithTheShapesIsRefused() throws {
        var (folder, fixture) = try checkpoint()
        fixture.config = fixture.config.replacingOccurrences(of: #""intermediate_size": 64"#, with: #""intermediate_size": 128"#)
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint/model.safetensors"),
            kind: .unexpectedShape(tensor: "encoder.layers.0.mlp.fc1.bias", expected: [128], found: [64])))
    }

    @Test func mixedKeyStylesAreRefused() throws {
        var (folder, fixture) = try checkpoint(.prefixed)
        fixture.entries.append(SafetensorsEntry(name: "post_layernorm.weight", shape: [32], float32: .init(repeating: 1, count: 32)))
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint"),
            kind: .mixedKeyStyles(prefixed: "vision_model.embeddings.patch_embedding.bias", unprefixed: "post_layernorm.weight")))
    }

    @Test func aTensorOfAnotherTypeIsRefused() throws {
        var (folder, fixture) = try checkpoint()
        let index = fixture.entries.firstIndex { $0.name == "post_layernorm.bias" }!
        fixture.entries[index] = SafetensorsEntry(name: "post_layernorm.bias", dtype: "F64", shape: [32], data: .init(repeating: 0, count: 256))
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint/model.safetensors"), kind: .unsupportedDType(tensor: "post_layernorm.bias", dtype: "F64")))
    }

    @Test(arguments: [
        (#""patch_size": 8"#, #""patch_size": 8.0"#, "patch_size", "a number where an integer is needed"),
        (#""hidden_act": "gelu_pytorch_tanh""#, #""hidden_act": "gelu""#, "hidden_act", "'gelu'; the SigLIP tower computes gelu_pytorch_tanh"),
        (#""num_channels": 3"#, #""num_channels": 4"#, "num_channels", "4; images are RGB"),
        (#""model_type": "siglip_vision_model""#, #""model_type": "siglip2""#, "model_type",
         "'siglip2': NaFlex SigLIP 2 (variable resolution, linear patch embedding) does not convert; "
             + "fixed-resolution SigLIP 2 checkpoints are model_type siglip"),
        (#""image_size": 64"#, #""image_size": 0"#, "image_size", "0 is not a size from 1 to 2^24"),
    ])
    func aConfigFieldOfTheWrongTypeOrValueIsNamed(original: String, replacement: String, field: String, detail: String) throws {
        var (folder, fixture) = try checkpoint()
        fixture.config = fixture.config.replacingOccurrences(of: original, with: replacement)
        #expect(try conversionError(fixture, in: folder)
            == ConvertError(path: folder.file("checkpoint/config.json"), kind: .invalidField(field, detail: detail)))
    }

    @Test func defaultsFillTheFieldsAConfigLeavesOut() throws {
        var (folder, fixture) = try checkpoint()
        // Only the patch size and the layer norm epsilon left at transformers' defaults (16 and
        // 1e-6): the tiny tower's patch is 8, so its convolution no longer fits.
        fixture.config = fixture.config.replacingOccurrences(of: #""patch_size": 8, "layer_norm_eps": 1e-06,"#, with: "")
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint/model.safetensors"),
            kind: .unexpectedShape(tensor: "embeddings.patch_embedding.weight", expected: [32, 3, 16, 16], found: [32, 3, 8, 8])))
    }

    @Test func aProcessorThatIsNotSiglipsIsRefused() throws {
        var (folder, fixture) = try checkpoint()
        fixture.preprocessor = #"{"size": {"height": 64, "width": 64}, "resample": 2}"#
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint/preprocessor_config.json"),
            kind: .invalidField("resample", detail: "2; SigLIP's processor resizes bicubic (3)")))
        fixture.preprocessor = #"{"size": {"height": 96, "width": 96}}"#
        #expect(try conversionError(fixture, in: folder) == ConvertError(
            path: folder.file("checkpoint/preprocessor_config.json"),
            kind: .invalidField("size.height", detail: "the processor resizes to 96 x 96; config.json's image_size is 64")))
    }

    @Test func aDirectoryWithoutConfigIsNotACheckpoint() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: ConvertError(path: folder.path, kind: .missingFile("config.json: not a HuggingFace model directory"))) {
            try CheckpointConversion(siglip: folder.path, head: nil)
        }
    }
}
