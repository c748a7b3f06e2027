/// Why `semhitok convert` cannot build a container from its inputs (Spec/convert.md). The
/// description names the file and, where there is one, the tensor or configuration field.
public struct ConvertError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Equatable, Sendable {
        /// A file the input needs is not there.
        case missingFile(String)
        /// A file is larger than a converter input of its kind can be.
        case fileTooLarge(bytes: Int, limit: Int)
        /// A JSON file that does not parse.
        case invalidJSON(String)
        /// A field of `config.json`, `preprocessor_config.json` or the head's metadata that
        /// is missing, of the wrong type or out of range.
        case invalidField(String, detail: String)
        /// A model this converter does not convert (another architecture or variant).
        case unsupportedModel(String)
        /// A tensor that is neither mapped nor dropped on purpose.
        case unknownTensor(String)
        /// A tensor the model needs and the input does not hold.
        case missingTensor(String)
        /// A tensor whose shape is not the one its configuration gives.
        case unexpectedShape(tensor: String, expected: [Int], found: [Int])
        /// A tensor stored in a type the converter does not read.
        case unsupportedDType(tensor: String, dtype: String)
        /// Tensor names in both the prefixed and the unprefixed style.
        case mixedKeyStyles(prefixed: String, unprefixed: String)
        /// `--siglip-layers` beyond the checkpoint's depth.
        case tooManyLayers(requested: Int, available: Int)
        /// A head value that disagrees with the SigLIP checkpoint it is combined with.
        case headMismatch(key: String, head: String, checkpoint: String)
        /// A codebook value that is NaN or infinite.
        case nonFiniteCodebook(tensor: String)
    }

    /// The file the problem is in.
    public let path: String
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(path): \(message)" }

    private var message: String {
        switch kind {
        case .missingFile(let name): "no \(name)"
        case .fileTooLarge(let bytes, let limit): "\(bytes) bytes, more than the \(limit) a file of this kind may have"
        case .invalidJSON(let detail): "not valid JSON: \(detail)"
        case .invalidField(let field, let detail): "'\(field)': \(detail)"
        case .unsupportedModel(let detail): detail
        case .unknownTensor(let name): "tensor '\(name)' is not one the converter maps or drops (Spec/convert.md)"
        case .missingTensor(let name): "tensor '\(name)' is missing"
        case .unexpectedShape(let tensor, let expected, let found):
            "tensor '\(tensor)' has shape \(found), the configuration gives \(expected)"
        case .unsupportedDType(let tensor, let dtype): "tensor '\(tensor)' is \(dtype); the converter reads F32, F16 and BF16"
        case .mixedKeyStyles(let prefixed, let unprefixed):
            "tensor names mix the prefixed style ('\(prefixed)') and the unprefixed one ('\(unprefixed)')"
        case .tooManyLayers(let requested, let available):
            "--siglip-layers \(requested) is more than the \(available) layers of the checkpoint"
        case .headMismatch(let key, let head, let checkpoint):
            "'\(key)' is \(head) in the head and \(checkpoint) in the SigLIP checkpoint"
        case .nonFiniteCodebook(let tensor): "codebook '\(tensor)' holds a NaN or infinite value"
        }
    }
}
