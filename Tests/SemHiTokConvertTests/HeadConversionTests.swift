import Foundation
import SemHiTok
@testable import SemHiTokConvert
import TestSupport
import Testing

/// Combining a SigLIP checkpoint with a SemHiTok head file (Spec/convert.md section 4). The
/// inputs are the `tiny` model split in two, its SigLIP tensors as a checkpoint and the rest
/// as a head, so the expected model is `tiny.shw`: every configuration entry and every
/// tensor equal, the codebooks normalised once more (section 6).
struct HeadConversionTests {
    /// The tiny model, its checkpoint written into `folder`, and its head's tensors and metadata.
    private func parts() throws -> (folder: TemporaryDirectory, model: WeightFile, head: [SafetensorsEntry],
                                    metadata: [String: String]) {
        let folder = try TemporaryDirectory()
        let model = try tinyModelFile(in: folder)
        try SiglipCheckpointFixture(model, style: .unprefixed).write(to: folder.file("checkpoint"))
        let head = try model.tensors.filter { !$0.name.hasPrefix("siglip.") }.map {
            SafetensorsEntry(name: $0.name, shape: $0.shape, float32: try model.floats($0.name).values)
        }
        var metadata = ["format": "semhitok-head", "format_version": "1"]
        for (key, value) in model.config where key != "model.architecture" { metadata[key] = metadataText(value) }
        return (folder, model, head, metadata)
    }

    /// The text Spec/convert.md section 4 gives a configuration value in the metadata.
    private func metadataText(_ value: ConfigValue) -> String {
        switch value {
        case .int(let number): "\(number)"
        case .real(let number): "\(number)"
        case .string(let text): text
        case .ints(let numbers): "[" + numbers.map { "\($0)" }.joined(separator: ", ") + "]"
        case .reals(let numbers): "[" + numbers.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }

    /// Writes the head and converts; returns the output's path.
    private func convert(_ folder: TemporaryDirectory, head: [SafetensorsEntry], metadata: [String: String],
                         options: CheckpointConversion.Options = .init()) throws -> String {
        try writeBytes(safetensorsBytes(head, metadata: metadata), to: folder.file("head.safetensors"))
        try CheckpointConversion(siglip: folder.file("checkpoint"), head: folder.file("head.safetensors"), options: options)
            .write(to: folder.file("model.shw"))
        return folder.file("model.shw")
    }

    /// `normalize` of Spec/quantization.md section 1 applied to each row of `rowLength`
    /// values, written out here: sum of squares in order, square root, at least EPS, divide.
    private func normalizedRows(_ values: [Float], rowLength: Int) -> [Float] {
        stride(from: 0, to: values.count, by: rowLength).flatMap { start in
            let row = values[start..<(start + rowLength)]
            var sum: Float = 0
            for value in row { sum = sum + value * value }
            let denominator = max(sum.squareRoot(), Float(bitPattern: 0x2B8C_BCCC))
            return row.map { $0 / denominator }
        }
    }

    @Test func aCheckpointAndAHeadGiveTheModelTheyCameFrom() throws {
        let (folder, model, head, metadata) = try parts()
        let converted = try WeightFile(contentsOf: convert(folder, head: head, metadata: metadata))
        #expect(converted.config == model.config)
        #expect(converted.tensors.map(\.name) == model.tensors.map(\.name))
        for tensor in converted.tensors {
            let values = try model.floats(tensor.name).values
            let expected = tensor.name.hasSuffix("codebook") ? normalizedRows(values, rowLength: tensor.shape.last!) : values
            #expect(try converted.floats(tensor.name).values.map(\.bitPattern) == expected.map(\.bitPattern), "\(tensor.name)")
        }
        let image = try ImageFile.read(RepositoryPaths.golden("images/photo/chelsea.jpg"))
        #expect(try SemHiTokModel(converted).encode(image).tokens == SemHiTokModel(model).encode(image).tokens)
    }

    @Test func theHeadsLayerCountIsTheDefaultSelection() throws {
        let (folder, _, head, metadata) = try parts()
        var trainedOnFirstLayer = metadata
        trainedOnFirstLayer["siglip.num_layers"] = "1"
        trainedOnFirstLayer["siglip.post_layernorm"] = "0"
        let converted = try WeightFile(contentsOf: convert(folder, head: head, metadata: trainedOnFirstLayer))
        #expect(try converted.int("siglip.num_layers") == 1)
        #expect(try converted.int("siglip.post_layernorm") == 0)
        #expect(throws: ConvertError(path: folder.file("head.safetensors"),
                                     kind: .headMismatch(key: "siglip.num_layers", head: "\(ConfigValue.int(1))", checkpoint: "\(ConfigValue.int(2))"))) {
            try convert(folder, head: head, metadata: trainedOnFirstLayer, options: .init(siglipLayers: 2))
        }
    }

    @Test func aHeadValueThatDisagreesWithTheCheckpointIsRefused() throws {
        let (folder, _, head, metadata) = try parts()
        var other = metadata
        other["image.std"] = "[0.25, 0.5, 0.5]"
        #expect(throws: ConvertError(path: folder.file("head.safetensors"),
                                     kind: .headMismatch(key: "image.std", head: "\(ConfigValue.reals([0.25, 0.5, 0.5]))",
                                                         checkpoint: "\(ConfigValue.reals([0.5, 0.5, 0.5]))"))) {
            try convert(folder, head: head, metadata: other)
        }
    }

    @Test func metadataOfTheWrongTypeIsRefused() throws {
        let (folder, _, head, metadata) = try parts()
        for (key, text) in [("semantic.codebook_size", "64.0"), ("semantic_decoder.layer_norm_eps", "tiny"), ("image.mean", "0.5")] {
            var wrong = metadata
            wrong[key] = text
            #expect(throws: ConvertError.self) { try convert(folder, head: head, metadata: wrong) }
        }
        var notAHead = metadata
        notAHead["format"] = "pt"
        #expect(throws: ConvertError(path: folder.file("head.safetensors"), kind: .invalidField(
            "__metadata__.format", detail: "'pt', not 'semhitok-head': not a SemHiTok head file"))) {
            try convert(folder, head: head, metadata: notAHead)
        }
    }

    @Test func aMissingExtraOrMisshapenHeadTensorIsNamed() throws {
        let (folder, _, head, metadata) = try parts()
        let path = folder.file("head.safetensors")
        #expect(throws: ConvertError(path: path, kind: .missingTensor("pixel_quantizer.codebook"))) {
            try convert(folder, head: head.filter { $0.name != "pixel_quantizer.codebook" }, metadata: metadata)
        }
        #expect(throws: ConvertError(path: path, kind: .unknownTensor("pixel_decoder.blocks.1.norm1.weight"))) {
            try convert(folder, head: head + [SafetensorsEntry(name: "pixel_decoder.blocks.1.norm1.weight", shape: [32],
                                                                float32: .init(repeating: 1, count: 32))], metadata: metadata)
        }
        // d = 8 makes the decoder's input D_q + d = 16 wide: the first tensor by name
        // whose shape depends on d.
        var wrongSize = metadata
        wrongSize["pixel.code_dim"] = "8"
        #expect(throws: ConvertError(path: path, kind: .unexpectedShape(tensor: "pixel_decoder.input_proj.weight", expected: [32, 16], found: [32, 12]))) {
            try convert(folder, head: head, metadata: wrongSize)
        }
    }

    @Test func aNonFiniteCodebookLeavesNoOutput() throws {
        let (folder, _, head, metadata) = try parts()
        let poisoned = head.map { entry in
            entry.name == "semantic_quantizer.codebook"
                ? SafetensorsEntry(name: entry.name, shape: entry.shape, float32: [.nan] + .init(repeating: 0.5, count: 64 * 8 - 1)) : entry
        }
        #expect(throws: ConvertError(path: folder.file("head.safetensors"), kind: .nonFiniteCodebook(tensor: "semantic_quantizer.codebook"))) {
            try convert(folder, head: poisoned, metadata: metadata)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["checkpoint", "head.safetensors", "tiny.shw"])
    }
}
