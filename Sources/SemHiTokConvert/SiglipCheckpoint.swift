import Foundation
import SemHiTokModel
import SemHiTokSafetensors

/// A HuggingFace SigLIP checkpoint directory (Spec/convert.md section 2): the vision
/// tower's numbers from `config.json`, its input's from `preprocessor_config.json` when
/// there is one, and its tensors from `model.safetensors` or a sharded checkpoint.
struct SiglipCheckpoint {
    /// The directory.
    let directory: String
    /// The whole tower as the checkpoint holds it: every layer, with `post_layernorm`.
    let configuration: SiglipConfiguration
    /// The checkpoint's safetensors files.
    let tensors: SafetensorsCheckpoint
    /// Each tensor of the tower, by its name relative to `vision_model.`, and the name it
    /// has in the checkpoint.
    let visionTensors: [String: String]

    /// The defaults of transformers' `SiglipVisionConfig` for fields a `config.json` leaves
    /// out (transformers 4 wrote only the values that differ from them).
    private enum Defaults {
        static let hiddenSize = 768, intermediateSize = 3072, numHiddenLayers = 12, numAttentionHeads = 12
        static let imageSize = 224, patchSize = 16, numChannels = 3
        static let layerNormEpsilon = 1e-6
        static let hiddenAct = "gelu_pytorch_tanh"
    }

    init(directory: String) throws {
        self.directory = directory
        let configPath = directory + "/config.json"
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw ConvertError(path: directory, kind: .missingFile("config.json: not a HuggingFace model directory"))
        }
        let vision = try Self.visionConfig(JSONFields.read(configPath))
        var configuration = SiglipConfiguration(
            imageSize: try vision.size("image_size", default: Defaults.imageSize),
            patchSize: try vision.size("patch_size", default: Defaults.patchSize),
            stack: .init(hiddenSize: try vision.size("hidden_size", default: Defaults.hiddenSize),
                         numLayers: try vision.size("num_hidden_layers", default: Defaults.numHiddenLayers),
                         numHeads: try vision.size("num_attention_heads", default: Defaults.numAttentionHeads),
                         layerNormEpsilon: try vision.real("layer_norm_eps", default: Defaults.layerNormEpsilon)),
            intermediateSize: try vision.size("intermediate_size", default: Defaults.intermediateSize), postLayerNorm: true)
        let activation = try vision.text("hidden_act", default: Defaults.hiddenAct)
        guard activation == Defaults.hiddenAct else {
            throw vision.invalid("hidden_act", "'\(activation)'; the SigLIP tower computes gelu_pytorch_tanh")
        }
        let channels = try vision.size("num_channels", default: Defaults.numChannels)
        guard channels == 3 else { throw vision.invalid("num_channels", "\(channels); images are RGB") }
        let preprocessorPath = directory + "/preprocessor_config.json"
        if FileManager.default.fileExists(atPath: preprocessorPath) {
            try Self.readPreprocessor(JSONFields.read(preprocessorPath), into: &configuration)
        }
        if let problem = configuration.problem() {
            throw ConvertError(path: configPath, kind: .unsupportedModel(problem))
        }
        self.configuration = configuration
        tensors = try SafetensorsCheckpoint(path: directory)
        visionTensors = try Self.visionNames(tensors.tensorNames, path: directory)
    }

    /// The vision tower's fields: the top level of a `SiglipVisionModel`'s config, or
    /// `vision_config` of a `SiglipModel`'s (all defaults when it is left out).
    private static func visionConfig(_ config: JSONFields) throws -> JSONFields {
        let modelType = try config.text("model_type", default: nil)
        switch modelType {
        case "siglip_vision_model":
            return config
        case "siglip":
            return try config.nested("vision_config") ?? JSONFields(path: config.path, scope: "vision_config.", object: nil)
        case "siglip2", "siglip2_vision_model":
            throw config.invalid("model_type", "'\(modelType)': NaFlex SigLIP 2 (variable resolution, linear patch embedding) "
                                     + "does not convert; fixed-resolution SigLIP 2 checkpoints are model_type siglip")
        default:
            throw config.invalid("model_type", "'\(modelType)' is not a SigLIP model (siglip or siglip_vision_model)")
        }
    }

    /// `image_mean`, `image_std` and the size from SigLIP's image processor configuration,
    /// which must describe the processing of Spec/preprocessing.md.
    private static func readPreprocessor(_ processor: JSONFields, into configuration: inout SiglipConfiguration) throws {
        configuration.mean = try processor.channels("image_mean", default: configuration.mean)
        configuration.std = try processor.channels("image_std", default: configuration.std)
        if let size = try processor.nested("size") {
            let (height, width) = (try size.size("height", default: 0), try size.size("width", default: 0))
            guard height == configuration.imageSize, width == configuration.imageSize else {
                throw size.invalid("height", "the processor resizes to \(height) x \(width); config.json's image_size is "
                                       + "\(configuration.imageSize)")
            }
        }
        let resample = try processor.size("resample", default: 3)
        guard resample == 3 else { throw processor.invalid("resample", "\(resample); SigLIP's processor resizes bicubic (3)") }
        for step in ["do_resize", "do_rescale", "do_normalize"] where !(try processor.flag(step, default: true)) {
            throw processor.invalid(step, "false; only SigLIP's processing (resize, rescale, normalise) converts")
        }
        let rescale = try processor.real("rescale_factor", default: 1.0 / 255.0)
        guard rescale == 1.0 / 255.0 else { throw processor.invalid("rescale_factor", "\(rescale); SigLIP's is 1/255") }
    }

    /// The tower's tensors by their names relative to `vision_model.`, from the names of a
    /// checkpoint in either style: with the `vision_model.` prefix (checkpoint files,
    /// transformers 4, a whole `SiglipModel`, whose `text_model.*`, `logit_scale` and
    /// `logit_bias` are skipped), or without it (transformers 5's `SiglipVisionModel`).
    private static func visionNames(_ names: [String], path: String) throws -> [String: String] {
        let prefix = "vision_model."
        let textTower: (String) -> Bool = { $0.hasPrefix("text_model.") || $0 == "logit_scale" || $0 == "logit_bias" }
        guard let prefixed = names.first(where: { $0.hasPrefix(prefix) }) else {
            return Dictionary(uniqueKeysWithValues: names.map { ($0, $0) })
        }
        if let unprefixed = names.first(where: { !$0.hasPrefix(prefix) && !textTower($0) }) {
            throw ConvertError(path: path, kind: .mixedKeyStyles(prefixed: prefixed, unprefixed: unprefixed))
        }
        return Dictionary(uniqueKeysWithValues: names.filter { $0.hasPrefix(prefix) }.map { (String($0.dropFirst(prefix.count)), $0) })
    }
}
