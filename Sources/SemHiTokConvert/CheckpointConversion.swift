import SemHiTokFormats
import SemHiTokModel
import SemHiTokQuantization
import SemHiTokSafetensors

/// A weight container planned from a HuggingFace SigLIP checkpoint and, optionally, a
/// SemHiTok head file (Spec/convert.md): every input is read and checked, and every tensor
/// of the output mapped to its source with its shape, before anything is written. Writing
/// then streams, one tensor at a time, so memory holds one tensor whatever the model's size.
public struct CheckpointConversion: Sendable {
    /// What `semhitok convert` may choose.
    public struct Options: Sendable {
        /// Keep the first `siglipLayers` encoder layers (Spec/convert.md section 3); nil: the
        /// number the head was trained on, else the whole tower.
        public var siglipLayers: Int?
        /// The storage type of every tensor but the codebooks: `f32`, `f16` or `bf16`.
        public var dtype: DType
        /// `model.config_name`; nil: the head's, else the checkpoint directory's name.
        public var name: String?

        public init(siglipLayers: Int? = nil, dtype: DType = .f32, name: String? = nil) {
            self.siglipLayers = siglipLayers
            self.dtype = dtype
            self.name = name
        }
    }

    /// The kind of container: a SemHiTok model with a head, a SigLIP-only one without.
    public let architecture: ModelArchitecture
    /// The configuration entries written.
    public let config: [String: ConfigValue]
    /// The container's tensors, by name, with their shapes and sources.
    let tensors: [(name: String, shape: [Int], source: TensorSource)]

    /// The prefix of SigLIP's tensor names in a container.
    private static let siglipPrefix = SiglipConfiguration.tensorScope + "."

    /// The storage type of the weights.
    private let storage: DType

    /// Reads and checks the SigLIP checkpoint directory `siglip` and the head file `head`.
    public init(siglip directory: String, head headPath: String?, options: Options = Options()) throws {
        guard DType.floatTypes.contains(options.dtype) else {
            throw ConvertError(path: directory, kind: .invalidField("--dtype", detail: "\(options.dtype) is not f32, f16 or bf16"))
        }
        storage = options.dtype
        let checkpoint = try SiglipCheckpoint(directory: directory)
        let head = try headPath.map { try SemHiTokHead(path: $0) }
        let depth = checkpoint.configuration.stack.numLayers
        let layers = options.siglipLayers ?? head?.siglipLayers ?? depth
        guard layers <= depth else { throw ConvertError(path: directory, kind: .tooManyLayers(requested: layers, available: depth)) }
        var siglip = checkpoint.configuration
        siglip.stack.numLayers = layers
        siglip.postLayerNorm = layers == depth
        let name = options.name ?? head?.name ?? String(directory.split(separator: "/").last ?? "siglip")

        let declared: [(name: String, shape: [Int])]
        var codebooks: [String: Metric] = [:]
        if let head {
            var config = head.config.merging(siglip.configValues) { _, checkpointValue in checkpointValue }
            config["model.architecture"] = .string(ModelArchitecture.semhitok.rawValue)
            config["model.config_name"] = .string(name)
            let configuration = try ModelConfiguration(ConfigurationDraft(path: head.file.path, config: config))
            self.config = configuration.configValues
            try Self.checkAgreement(of: head, with: self.config)
            declared = configuration.tensorShapes
            codebooks = Dictionary(uniqueKeysWithValues: configuration.codebooks)
            architecture = .semhitok
        } else {
            var config = siglip.configValues
            config["model.architecture"] = .string(ModelArchitecture.siglip.rawValue)
            config["model.config_name"] = .string(name)
            self.config = config
            declared = siglip.tensorShapes
            architecture = .siglip
        }

        let shapes = Dictionary(uniqueKeysWithValues: declared.map { ($0.name, $0.shape) })
        var sources: [String: TensorSource] = [:]
        func map(_ name: String, from file: SafetensorsFile, _ tensor: SafetensorsTensor) throws {
            guard let shape = shapes[name] else { throw ConvertError(path: file.path, kind: .unknownTensor(tensor.name)) }
            guard tensor.shape == shape else {
                throw ConvertError(path: file.path, kind: .unexpectedShape(tensor: tensor.name, expected: shape, found: tensor.shape))
            }
            guard TensorSource.readableTypes.contains(tensor.dtype) else {
                throw ConvertError(path: file.path, kind: .unsupportedDType(tensor: tensor.name, dtype: tensor.dtype.rawValue))
            }
            let metric = codebooks[name]
            sources[name] = TensorSource(file: file, tensor: tensor, storage: metric == nil ? options.dtype : .f32,
                                         normalizesRows: metric == .cosine)
        }

        let wholeTower = Set(checkpoint.configuration.tensorShapes.map(\.name))
        for (visionName, checkpointName) in checkpoint.visionTensors.sorted(by: { $0.key < $1.key }) {
            guard let (file, tensor) = checkpoint.tensors.location(of: checkpointName) else { continue }
            let name = Self.siglipPrefix + visionName
            if shapes[name] == nil, wholeTower.contains(name) || Self.isDroppedOnPurpose(visionName) { continue }
            try map(name, from: file, tensor)
        }
        if let head {
            for tensor in head.file.tensors {
                guard !tensor.name.hasPrefix(Self.siglipPrefix) else {
                    throw ConvertError(path: head.file.path, kind: .unsupportedModel(
                        "tensor '\(tensor.name)': a head holds no SigLIP tensors; they come from the SigLIP checkpoint"))
                }
                try map(tensor.name, from: head.file, tensor)
            }
        }
        if let missing = declared.first(where: { sources[$0.name] == nil }) {
            let isSiglip = missing.name.hasPrefix(Self.siglipPrefix)
            throw ConvertError(path: isSiglip ? directory : headPath ?? directory,
                               kind: .missingTensor(isSiglip ? String(missing.name.dropFirst(Self.siglipPrefix.count)) : missing.name))
        }
        tensors = declared.compactMap { declaration in sources[declaration.name].map { (declaration.name, declaration.shape, $0) } }
    }

    /// Tensors of a SigLIP checkpoint that the container never holds: the pooling head
    /// (`head.*`), which SemHiTok does not use, and the `position_ids` buffer, which is
    /// `0 ..< G²` by definition.
    private static func isDroppedOnPurpose(_ visionName: String) -> Bool {
        visionName.hasPrefix("head.") || visionName == "embeddings.position_ids"
    }

    /// Every key the head gives must have the value the model is built with: the SigLIP
    /// numbers it was trained against, `pixel.image_size`.
    private static func checkAgreement(of head: SemHiTokHead, with config: [String: ConfigValue]) throws {
        for (key, value) in head.config.sorted(by: { $0.key < $1.key }) where key != "model.config_name" {
            guard let built = config[key], built != value else { continue }
            throw ConvertError(path: head.file.path, kind: .headMismatch(key: key, head: "\(value)", checkpoint: "\(built)"))
        }
    }

    /// One line saying what is written: the architecture, the name, the SigLIP layers and
    /// the storage type.
    public var summary: String {
        let name = if case .string(let name) = config["model.config_name"] { name } else { "" }
        let layers: Int64 = if case .int(let layers) = config["siglip.num_layers"] { layers } else { 0 }
        let postLayerNorm = config["siglip.post_layernorm"] == .int(1) ? "with" : "without"
        return "\(architecture.title) '\(name)', \(tensors.count) tensors, SigLIP layers 0 ..< \(layers) "
            + "\(postLayerNorm) post_layernorm, weights \(storage)"
    }

    /// Writes the container to `path` (through a temporary file renamed into place).
    public func write(to path: String) throws {
        var builder = WeightFileBuilder()
        builder.config = config
        for (name, shape, source) in tensors {
            let byteLength = shape.reduce(source.storage.elementSize, *)
            builder.addTensor(name, dtype: source.storage, shape: shape, byteLength: byteLength, producedBy: source.bytes)
        }
        try builder.write(to: path)
    }
}
