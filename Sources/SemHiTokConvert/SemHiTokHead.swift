import SemHiTokFormats
import SemHiTokModel
import SemHiTokSafetensors

/// A SemHiTok head file (Spec/convert.md section 4): a safetensors file holding every
/// tensor of a SemHiTok model but SigLIP's, under the names of Spec/architecture.md
/// section 4, with the model's configuration in its `__metadata__` (as the exporter in
/// `tools/` writes it).
struct SemHiTokHead {
    let file: SafetensorsFile
    /// The configuration keys of Spec/architecture.md section 5 the metadata gives, typed.
    let config: [String: ConfigValue]

    /// The metadata's `format` and `format_version`.
    static let format = "semhitok-head", formatVersion = "1"

    init(path: String) throws {
        file = try SafetensorsFile(contentsOf: path)
        let metadata = file.metadata
        guard metadata["format"] == Self.format else {
            throw ConvertError(path: path, kind: .invalidField("__metadata__.format", detail: "\(metadata["format"].map { "'\($0)'" } ?? "missing"), "
                                   + "not '\(Self.format)': not a SemHiTok head file"))
        }
        guard metadata["format_version"] == Self.formatVersion else {
            throw ConvertError(path: path, kind: .invalidField("__metadata__.format_version",
                                                               detail: "\(metadata["format_version"] ?? "missing"), not \(Self.formatVersion)"))
        }
        // The types of the keys are those a model's configuration is written with, the one
        // place that states them; `model.architecture` is the converter's to set.
        let types = ModelConfiguration.named("tiny")!.configValues.filter { $0.key != "model.architecture" }
        var config: [String: ConfigValue] = [:]
        for (key, text) in metadata {
            guard let type = types[key] else { continue }
            guard let value = Self.value(text, like: type) else {
                throw ConvertError(path: path, kind: .invalidField("__metadata__." + key,
                                                                   detail: "'\(text)' is not \(Self.typeDescription(type))"))
            }
            config[key] = value
        }
        self.config = config
    }

    /// `siglip.num_layers`, when the head says which SigLIP layer it was trained on.
    var siglipLayers: Int? {
        if case .int(let layers) = config["siglip.num_layers"] { Int(layers) } else { nil }
    }

    /// `model.config_name`, when the head gives one.
    var name: String? {
        if case .string(let name) = config["model.config_name"] { name } else { nil }
    }

    /// `text` read as a value of `type`'s kind: an `i64` as a decimal integer, an `f64` as
    /// a JSON number, an `f64` array as a JSON array of numbers, a string as itself.
    private static func value(_ text: String, like type: ConfigValue) -> ConfigValue? {
        switch type {
        case .int:
            guard let number = try? JSONDocument.parse(Array(text.utf8)).number?.int64 else { return nil }
            return .int(number)
        case .real:
            guard let number = try? JSONDocument.parse(Array(text.utf8)).number else { return nil }
            return .real(number.double)
        case .reals:
            guard let elements = try? JSONDocument.parse(Array(text.utf8)).array else { return nil }
            let numbers = elements.compactMap(\.number)
            return numbers.count == elements.count ? .reals(numbers.map(\.double)) : nil
        case .ints:
            guard let elements = try? JSONDocument.parse(Array(text.utf8)).array else { return nil }
            let numbers = elements.compactMap { $0.number?.int64 }
            return numbers.count == elements.count ? .ints(numbers) : nil
        case .string:
            return .string(text)
        }
    }

    private static func typeDescription(_ type: ConfigValue) -> String {
        switch type {
        case .int: "a decimal integer"
        case .real: "a number"
        case .reals: "a JSON array of numbers"
        case .ints: "a JSON array of integers"
        case .string: "a string"
        }
    }
}
