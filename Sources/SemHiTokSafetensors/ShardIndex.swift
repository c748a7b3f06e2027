import SemHiTokSupport

/// The shard index of a sharded checkpoint, `model.safetensors.index.json`
/// (Spec/safetensors.md section 5): which shard file holds each tensor. Parsing checks
/// the index on its own; `SafetensorsCheckpoint` checks it against the shards.
struct ShardIndex {
    /// Each tensor's shard file name, in the index's order.
    let weightMap: [(tensor: String, shard: String)]

    private static let fields = ["weight_map", "metadata"]

    /// Parses the index in `file`, whose path errors name.
    init(file: MappedFile) throws(SafetensorsError) {
        func error(_ kind: SafetensorsError.Kind) -> SafetensorsError { SafetensorsError(path: file.path, kind: kind) }
        guard file.bytes.count <= SafetensorsCheckpoint.maximumIndexSize else {
            throw error(.indexTooLarge(fileSize: file.bytes.count))
        }
        let document: JSONValue
        do {
            document = try JSONDocument.parse(file.bytes)
        } catch {
            throw SafetensorsError(path: file.path, kind: .invalidIndexJSON(error))
        }
        guard let index = document.object else { throw error(.indexNotAnObject(found: document.kindName)) }
        if let unknown = index.keys.first(where: { !Self.fields.contains($0) }) {
            throw error(.unknownIndexField(unknown))
        }
        guard let map = index["weight_map"] else { throw error(.missingWeightMap) }
        guard let entries = map.object else { throw error(.indexFieldWrongType(field: "weight_map", found: map.kindName)) }
        if let metadata = index["metadata"], metadata.object == nil {
            throw error(.indexFieldWrongType(field: "metadata", found: metadata.kindName))
        }
        var weightMap: [(tensor: String, shard: String)] = []
        for (tensor, value) in entries.members {
            guard SafetensorsName.isValid(tensor) else { throw error(.invalidTensorName(tensor)) }
            guard let shard = value.string else { throw error(.shardNameNotAString(tensor: tensor, found: value.kindName)) }
            guard Self.isPlainFileName(shard) else { throw error(.invalidShardName(tensor: tensor, shard: shard)) }
            weightMap.append((tensor, shard))
        }
        self.weightMap = weightMap
    }

    /// Whether `name` names a file in the index's own folder: not empty, not `.` or `..`,
    /// and without `/`, `\` or NUL.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }
    }
}
