import Foundation
import SemHiTok
@testable import SemHiTokConvert
import TestSupport
import Testing

/// Converting a SigLIP checkpoint alone (Spec/convert.md sections 2, 3 and 5). The
/// checkpoints are the `tiny` model's SigLIP tensors under HuggingFace's names, so the
/// expected container tensors are those of `tiny.shw`, byte for byte.
struct SiglipConversionTests {
    /// The tiny model, a checkpoint made from it in `style`, and a folder for outputs.
    private func checkpoint(_ style: SiglipCheckpointFixture.KeyStyle) throws
        -> (folder: TemporaryDirectory, model: WeightFile, fixture: SiglipCheckpointFixture)
    {
        let folder = try TemporaryDirectory()
        let model = try tinyModelFile(in: folder)
        return (folder, model, try SiglipCheckpointFixture(model, style: style))
    }

    /// Converts `fixture` written into `folder` and opens the result.
    private func convert(_ fixture: SiglipCheckpointFixture, in folder: TemporaryDirectory,
                         options: CheckpointConversion.Options = .init()) throws -> WeightFile {
        let directory = folder.file("checkpoint")
        try fixture.write(to: directory)
        try CheckpointConversion(siglip: directory, head: nil, options: options).write(to: folder.file("out.shw"))
        return try WeightFile(contentsOf: folder.file("out.shw"))
    }

    /// Every tensor of `converted` has the bytes of the tensor of the same name in `model`.
    private func expectSameTensors(_ converted: WeightFile, as model: WeightFile) throws {
        for tensor in converted.tensors {
            let original = try model.tensor(tensor.name)
            #expect(tensor.shape == original.shape && tensor.dtype == original.dtype, "\(tensor.name)")
            #expect(Array(converted.bytes(of: tensor)) == Array(model.bytes(of: original)), "\(tensor.name)")
        }
    }

    @Test(arguments: [SiglipCheckpointFixture.KeyStyle.unprefixed, .prefixed])
    func bothKeyStylesGiveTheTowerTensorsUnchanged(style: SiglipCheckpointFixture.KeyStyle) throws {
        let (folder, model, fixture) = try checkpoint(style)
        let converted = try convert(fixture, in: folder)
        let siglipNames = model.tensors.map(\.name).filter { $0.hasPrefix("siglip.vision_model.") }
        #expect(converted.tensors.map(\.name) == siglipNames)
        try expectSameTensors(converted, as: model)
        #expect(try converted.string("model.architecture") == "siglip")
        #expect(try converted.string("model.config_name") == "checkpoint")
        #expect(try SiglipConfiguration(converted) == ModelConfiguration(model).siglip)
    }

    @Test func theTextTowerAndLogitsOfASiglipModelAreSkipped() throws {
        var (folder, model, fixture) = try checkpoint(.prefixed)
        fixture.entries += [SafetensorsEntry(name: "text_model.embeddings.token_embedding.weight", shape: [4, 2], float32: .init(repeating: 1, count: 8)),
                            SafetensorsEntry(name: "logit_scale", shape: [1], float32: [2]),
                            SafetensorsEntry(name: "logit_bias", shape: [1], float32: [-10])]
        fixture.config = #"{"model_type": "siglip", "text_config": {"vocab_size": 4}, "vision_config": "#
            + fixture.config.replacingOccurrences(of: #""model_type": "siglip_vision_model","#, with: "") + "}"
        let converted = try convert(fixture, in: folder)
        #expect(converted.tensors.count == model.tensors.filter { $0.name.hasPrefix("siglip.") }.count)
        try expectSameTensors(converted, as: model)
    }

    @Test func thePoolingHeadAndPositionIdsAreDropped() throws {
        var (folder, model, fixture) = try checkpoint(.unprefixed)
        fixture.entries += [SafetensorsEntry(name: "head.probe", shape: [1, 1, 32], float32: .init(repeating: 0, count: 32)),
                            SafetensorsEntry(name: "head.mlp.fc1.weight", shape: [2, 32], float32: .init(repeating: 0, count: 64)),
                            SafetensorsEntry(name: "embeddings.position_ids", dtype: "I64", shape: [1, 64],
                                             data: (0..<64).flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })]
        let converted = try convert(fixture, in: folder)
        #expect(converted.tensors.count == model.tensors.filter { $0.name.hasPrefix("siglip.") }.count)
    }

    @Test func layerSelectionKeepsTheFirstLayersWithoutPostLayerNorm() throws {
        let (folder, model, fixture) = try checkpoint(.unprefixed)
        let converted = try convert(fixture, in: folder, options: .init(siglipLayers: 1))
        #expect(try converted.int("siglip.num_layers") == 1)
        #expect(try converted.int("siglip.post_layernorm") == 0)
        let names = converted.tensors.map(\.name)
        #expect(!names.contains { $0.contains("encoder.layers.1.") || $0.contains("post_layernorm") })
        #expect(names.filter { $0.contains("encoder.layers.0.") }.count == 16)
        try expectSameTensors(converted, as: model)
        #expect(throws: ConvertError(path: folder.file("checkpoint"), kind: .tooManyLayers(requested: 3, available: 2))) {
            try convert(fixture, in: folder, options: .init(siglipLayers: 3))
        }
    }

    @Test func storageTypesRoundEveryWeightToNearestEven() throws {
        let (folder, model, fixture) = try checkpoint(.unprefixed)
        for (dtype, round) in [(DType.f16, { (value: Float) in Float(Float16(value)) }), (.bf16, nearestBFloat16)] {
            let converted = try convert(fixture, in: folder, options: .init(dtype: dtype))
            for tensor in converted.tensors {
                #expect(tensor.dtype == dtype)
                let expected = try model.floats(tensor.name).values.map(round)
                #expect(try converted.floats(tensor.name).values == expected, "\(tensor.name)")
            }
        }
    }

    @Test func preprocessorConfigurationGivesMeanAndStd() throws {
        var (folder, _, fixture) = try checkpoint(.unprefixed)
        fixture.preprocessor = #"{"image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711], "#
            + #""size": {"height": 64, "width": 64}, "resample": 3, "rescale_factor": 0.00392156862745098, "do_normalize": true}"#
        let converted = try convert(fixture, in: folder)
        #expect(try converted.realArray("image.mean") == [0.48145466, 0.4578275, 0.40821073])
        #expect(try converted.realArray("image.std") == [0.26862954, 0.26130258, 0.27577711])
    }

    @Test func aSiglipOnlyContainerComputesTheFeaturesOfTheModelItCameFrom() throws {
        let (folder, model, fixture) = try checkpoint(.prefixed)
        let converted = try convert(fixture, in: folder)
        let image = try ImageFile.read(RepositoryPaths.golden("images/photo/chelsea.jpg"))
        let expected = try SemHiTokModel(model).siglipFeatures([image])
        #expect(try SiglipModel(converted).siglipFeatures([image], resolution: nil) == expected)
    }
}

/// The bfloat16 nearest to `value`, ties to even, as a float: of the two bfloat16 values
/// around it (the float with its low 16 bits cleared, and the next one up in magnitude),
/// the one at the smaller distance, computed in double precision.
func nearestBFloat16(_ value: Float) -> Float {
    let below = Float(bitPattern: value.bitPattern & 0xFFFF_0000)
    let above = Float(bitPattern: (value.bitPattern & 0xFFFF_0000) &+ 0x1_0000)
    let (distanceBelow, distanceAbove) = ((Double(value) - Double(below)).magnitude, (Double(above) - Double(value)).magnitude)
    if distanceBelow != distanceAbove { return distanceBelow < distanceAbove ? below : above }
    return below.bitPattern & 0x1_0000 == 0 ? below : above
}
