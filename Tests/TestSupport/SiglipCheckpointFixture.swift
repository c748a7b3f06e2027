import Foundation
import SemHiTok

/// A tensor to write into a test safetensors file: its name, `dtype` string, shape and
/// little-endian bytes.
public struct SafetensorsEntry {
    public var name: String
    public var dtype: String
    public var shape: [Int]
    public var data: [UInt8]

    public init(name: String, dtype: String, shape: [Int], data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An F32 tensor of `values`.
    public init(name: String, shape: [Int], float32 values: [Float]) {
        var data: [UInt8] = []
        for value in values { data.appendLittleEndian(value.bitPattern) }
        self.init(name: name, dtype: "F32", shape: shape, data: data)
    }
}

/// A valid safetensors file, laid out as the safetensors library writes one (Spec/safetensors.md
/// section 3): the header lists `__metadata__` (when there is any) and the tensors in the given
/// order, the data buffer holds their bytes in that order with no gap.
public func safetensorsBytes(_ entries: [SafetensorsEntry], metadata: [String: String] = [:]) -> [UInt8] {
    func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    var members: [String] = []
    if !metadata.isEmpty {
        members.append(quoted("__metadata__") + ":{" + metadata.sorted { $0.key < $1.key }
            .map { quoted($0.key) + ":" + quoted($0.value) }.joined(separator: ",") + "}")
    }
    var data: [UInt8] = []
    for entry in entries {
        members.append(quoted(entry.name) + #":{"dtype":"\#(entry.dtype)","shape":[\#(entry.shape.map(String.init).joined(separator: ","))],"data_offsets":[\#(data.count),\#(data.count + entry.data.count)]}"#)
        data += entry.data
    }
    let header = Array(("{" + members.joined(separator: ",") + "}").utf8)
    var file: [UInt8] = []
    file.appendLittleEndian(UInt64(header.count))
    return file + header + data
}

/// A HuggingFace SigLIP checkpoint directory for tests, made from the SigLIP tensors of a
/// SemHiTok weight container: the mapping of Spec/convert.md section 3.2 read backwards, so
/// that converting the directory must give back exactly those tensors.
public struct SiglipCheckpointFixture {
    /// How the checkpoint names the tower's tensors (Spec/convert.md section 3.1).
    public enum KeyStyle: Sendable {
        /// `vision_model.embeddings...`, as checkpoint files of a `SiglipModel`.
        case prefixed
        /// `embeddings...`, as transformers 5 saves a `SiglipVisionModel`.
        case unprefixed
    }

    /// The tensors, with their checkpoint names, in name order.
    public var entries: [SafetensorsEntry]
    /// The `config.json` text.
    public var config: String
    /// The `preprocessor_config.json` text, or nil for none.
    public var preprocessor: String?

    /// The SigLIP tower of `model` (a `semhitok` container) as a checkpoint in `style`, with
    /// a `config.json` that gives every field.
    public init(_ model: WeightFile, style: KeyStyle) throws {
        let configuration = try ModelConfiguration(model).siglip
        let prefix = style == .prefixed ? "vision_model." : ""
        let scope = SiglipConfiguration.tensorScope + "."
        entries = try model.tensors.filter { $0.name.hasPrefix(scope) }.map { tensor in
            SafetensorsEntry(name: prefix + tensor.name.dropFirst(scope.count), shape: tensor.shape,
                             float32: try model.floats(tensor.name).values)
        }
        config = """
            {"architectures": ["SiglipVisionModel"], "model_type": "siglip_vision_model", "hidden_size": \(configuration.stack.hiddenSize),
             "intermediate_size": \(configuration.intermediateSize), "num_hidden_layers": \(configuration.stack.numLayers),
             "num_attention_heads": \(configuration.stack.numHeads), "image_size": \(configuration.imageSize),
             "patch_size": \(configuration.patchSize), "layer_norm_eps": 1e-06, "hidden_act": "gelu_pytorch_tanh",
             "num_channels": 3, "vision_use_head": false, "attention_dropout": 0.0}
            """
    }

    /// Writes `config.json`, `model.safetensors` and any `preprocessor_config.json` into the
    /// folder `directory`, created if needed.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeBytes(Array(config.utf8), to: directory + "/config.json")
        try writeBytes(safetensorsBytes(entries.sorted { $0.name < $1.name }), to: directory + "/model.safetensors")
        if let preprocessor {
            try writeBytes(Array(preprocessor.utf8), to: directory + "/preprocessor_config.json")
        }
    }
}

/// The `tiny` model of Spec/architecture.md sections 6 and 7 (seed 0, the embedded default
/// model), written into `folder` as `tiny.shw` and opened.
public func tinyModelFile(in folder: TemporaryDirectory) throws -> WeightFile {
    let path = folder.file("tiny.shw")
    try ModelInitializer.weights(for: ModelConfiguration.named("tiny")!, seed: 0).write(to: path)
    return try WeightFile(contentsOf: path)
}
