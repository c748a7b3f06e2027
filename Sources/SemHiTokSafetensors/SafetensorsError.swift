/// Why a safetensors file or a sharded checkpoint could not be read (Spec/safetensors.md
/// sections 4 and 5). Each violation is its own case; the description names the file and,
/// where there is one, the tensor.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// What went wrong. Offsets in the data buffer are relative to its start, `8 + N`, as
    /// `data_offsets` are.
    public enum Kind: Equatable, Sendable {
        // A safetensors file (section 4).
        case fileTooSmall(fileSize: Int)
        case headerTooLarge(headerLength: UInt64)
        case headerLengthPastEnd(headerLength: UInt64, fileSize: Int)
        case invalidHeaderJSON(JSONError)
        case headerNotAnObject(found: String)
        case metadataNotAnObject(found: String)
        case metadataValueNotAString(key: String, found: String)
        case invalidTensorName(String)
        case tensorEntryNotAnObject(tensor: String, found: String)
        case unknownField(tensor: String, field: String)
        case missingField(tensor: String, field: String)
        case wrongFieldType(tensor: String, field: String, expected: String, found: String)
        case unknownDType(tensor: String, dtype: String)
        case subByteDType(tensor: String, dtype: String)
        case rankTooLarge(tensor: String, rank: Int)
        case invalidDimension(tensor: String, index: Int, found: String)
        case shapeOverflow(tensor: String)
        case wrongOffsetCount(tensor: String, count: Int)
        case invalidOffset(tensor: String, index: Int, found: String)
        case offsetsReversed(tensor: String, begin: Int, end: Int)
        case offsetPastEnd(tensor: String, end: Int, dataSize: Int)
        case byteLengthMismatch(tensor: String, expected: Int, actual: Int)
        case overlappingTensors(String, String)
        case gapBeforeTensor(tensor: String, gapStart: Int, gapEnd: Int)
        case dataNotCovered(uncoveredStart: Int, dataSize: Int)
        // A shard index and a checkpoint (section 5).
        case indexTooLarge(fileSize: Int)
        case invalidIndexJSON(JSONError)
        case indexNotAnObject(found: String)
        case unknownIndexField(String)
        case missingWeightMap
        case indexFieldWrongType(field: String, found: String)
        case shardNameNotAString(tensor: String, found: String)
        case invalidShardName(tensor: String, shard: String)
        case missingShard(String)
        case tensorInTwoShards(tensor: String, first: String, second: String)
        case tensorNotInWeightMap(tensor: String, shard: String)
        case tensorInWrongShard(tensor: String, shard: String, mappedTo: String)
        case tensorNotInShard(tensor: String, shard: String)
        case noCheckpoint
        case ambiguousCheckpoint
    }

    /// The file involved: the safetensors file, the shard index, or the checkpoint's folder.
    public let path: String
    /// What went wrong.
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(path): \(message)" }

    private var message: String {
        switch kind {
        case .fileTooSmall(let size):
            "file too small: \(size) bytes, a safetensors file starts with an 8-byte header length"
        case .headerTooLarge(let length):
            "header too large: \(length) bytes, the limit is \(SafetensorsFile.maximumHeaderLength)"
        case .headerLengthPastEnd(let length, let size):
            "header length past the end: the header claims \(length) bytes after the 8-byte length, the file is \(size) bytes"
        case .invalidHeaderJSON(let error):
            "the header is not valid JSON: \(error.reasonDescription) at header byte \(error.offset) (file offset \(8 + error.offset))"
        case .headerNotAnObject(let found):
            "the header is \(found), not an object"
        case .metadataNotAnObject(let found):
            "'__metadata__' is \(found), not an object of strings"
        case .metadataValueNotAString(let key, let found):
            "'__metadata__' entry \(MessageText.quoted(key)) is \(found), not a string"
        case .invalidTensorName(let name):
            "invalid tensor name \(MessageText.quoted(name)): names are 1 to \(SafetensorsName.maximumLength) bytes without control characters"
        case .tensorEntryNotAnObject(let tensor, let found):
            "tensor \(MessageText.quoted(tensor)): the entry is \(found), not an object"
        case .unknownField(let tensor, let field):
            "tensor \(MessageText.quoted(tensor)): unknown field \(MessageText.quoted(field)) (an entry has only dtype, shape and data_offsets)"
        case .missingField(let tensor, let field):
            "tensor \(MessageText.quoted(tensor)): no '\(field)'"
        case .wrongFieldType(let tensor, let field, let expected, let found):
            "tensor \(MessageText.quoted(tensor)): '\(field)' is \(found), expected \(expected)"
        case .unknownDType(let tensor, let dtype):
            "tensor \(MessageText.quoted(tensor)): unknown dtype \(MessageText.quoted(dtype))"
        case .subByteDType(let tensor, let dtype):
            "tensor \(MessageText.quoted(tensor)): dtype '\(dtype)' packs elements in less than a byte, which this reader does not support"
        case .rankTooLarge(let tensor, let rank):
            "tensor \(MessageText.quoted(tensor)): rank \(rank) is above the limit of \(SafetensorsFile.maximumRank)"
        case .invalidDimension(let tensor, let index, let found):
            "tensor \(MessageText.quoted(tensor)): shape[\(index)] is \(found), expected an integer from 0 to 2^63 - 1"
        case .shapeOverflow(let tensor):
            "tensor \(MessageText.quoted(tensor)): the shape's byte size is above 2^63 - 1"
        case .wrongOffsetCount(let tensor, let count):
            "tensor \(MessageText.quoted(tensor)): 'data_offsets' has \(count) elements, expected 2"
        case .invalidOffset(let tensor, let index, let found):
            "tensor \(MessageText.quoted(tensor)): data_offsets[\(index)] is \(found), expected an integer from 0 to 2^63 - 1"
        case .offsetsReversed(let tensor, let begin, let end):
            "tensor \(MessageText.quoted(tensor)): data_offsets [\(begin), \(end)] end before they begin"
        case .offsetPastEnd(let tensor, let end, let dataSize):
            "tensor \(MessageText.quoted(tensor)): data ends at \(end), past the data buffer's \(dataSize) bytes"
        case .byteLengthMismatch(let tensor, let expected, let actual):
            "tensor \(MessageText.quoted(tensor)): data_offsets span \(actual) bytes, its dtype and shape take \(expected)"
        case .overlappingTensors(let first, let second):
            "tensors \(MessageText.quoted(first)) and \(MessageText.quoted(second)) overlap"
        case .gapBeforeTensor(let tensor, let start, let end):
            "bytes [\(start), \(end)) of the data buffer, before tensor \(MessageText.quoted(tensor)), belong to no tensor"
        case .dataNotCovered(let start, let size):
            "bytes [\(start), \(size)) at the end of the data buffer belong to no tensor"
        case .indexTooLarge(let size):
            "shard index too large: \(size) bytes, the limit is \(SafetensorsCheckpoint.maximumIndexSize)"
        case .invalidIndexJSON(let error):
            "the shard index is not valid JSON: \(error)"
        case .indexNotAnObject(let found):
            "the shard index is \(found), not an object"
        case .unknownIndexField(let field):
            "unknown field \(MessageText.quoted(field)) in the shard index (it has only weight_map and metadata)"
        case .missingWeightMap:
            "the shard index has no 'weight_map'"
        case .indexFieldWrongType(let field, let found):
            "'\(field)' is \(found), expected an object"
        case .shardNameNotAString(let tensor, let found):
            "'weight_map' maps tensor \(MessageText.quoted(tensor)) to \(found), not a file name"
        case .invalidShardName(let tensor, let shard):
            "'weight_map' maps tensor \(MessageText.quoted(tensor)) to \(MessageText.quoted(shard)), not a plain file name in the index's folder"
        case .missingShard(let shard):
            "shard \(MessageText.quoted(shard)) named in the index does not exist"
        case .tensorInTwoShards(let tensor, let first, let second):
            "tensor \(MessageText.quoted(tensor)) is in two shards, \(MessageText.quoted(first)) and \(MessageText.quoted(second))"
        case .tensorNotInWeightMap(let tensor, let shard):
            "shard \(MessageText.quoted(shard)) holds tensor \(MessageText.quoted(tensor)), which 'weight_map' does not list"
        case .tensorInWrongShard(let tensor, let shard, let mappedTo):
            "shard \(MessageText.quoted(shard)) holds tensor \(MessageText.quoted(tensor)), which 'weight_map' maps to \(MessageText.quoted(mappedTo))"
        case .tensorNotInShard(let tensor, let shard):
            "'weight_map' maps tensor \(MessageText.quoted(tensor)) to \(MessageText.quoted(shard)), which does not hold it"
        case .noCheckpoint:
            "the folder holds neither model.safetensors nor model.safetensors.index.json"
        case .ambiguousCheckpoint:
            "the folder holds both model.safetensors and model.safetensors.index.json; name the one to read"
        }
    }
}
