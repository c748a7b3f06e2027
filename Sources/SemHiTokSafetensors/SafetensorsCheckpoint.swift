#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SemHiTokSupport

/// A checkpoint in safetensors files, one file or sharded (Spec/safetensors.md section 5):
/// every file validated, and, for a sharded one, the shard index checked against the
/// shards, so that each tensor name has exactly one place.
public final class SafetensorsCheckpoint: Sendable {
    /// The largest shard index read: 64 MiB, checked before it is parsed. The indexes of
    /// the largest public models are a few MB.
    public static let maximumIndexSize = 64 << 20
    /// The single-file checkpoint a folder may hold.
    public static let singleFileName = "model.safetensors"
    /// The shard index a folder may hold.
    public static let indexFileName = "model.safetensors.index.json"

    /// The path the checkpoint was opened from.
    public let path: String
    /// The files: the one file, or the shards in order of their names (by bytes of UTF-8).
    public let files: [SafetensorsFile]
    /// Every tensor's name, sorted (by bytes of UTF-8); each is in exactly one file.
    public let tensorNames: [String]

    /// The position in `files` of each tensor's file.
    private let fileIndex: [String: Int]

    /// Opens the checkpoint at `path`: a `.safetensors` file, a shard index (any file whose
    /// name ends in `.json`, such as `model.safetensors.index.json`), or a folder holding
    /// `model.safetensors` or `model.safetensors.index.json` (exactly one of them, else an
    /// error).
    public init(path: String) throws {
        self.path = path
        let target: String
        if try Self.isDirectory(path) {
            let single = path + "/" + Self.singleFileName
            let index = path + "/" + Self.indexFileName
            switch (try Self.exists(single), try Self.exists(index)) {
            case (true, false): target = single
            case (false, true): target = index
            case (true, true): throw SafetensorsError(path: path, kind: .ambiguousCheckpoint)
            case (false, false): throw SafetensorsError(path: path, kind: .noCheckpoint)
            }
        } else {
            target = path
        }
        if target.hasSuffix(".json") {
            files = try Self.openShards(indexPath: target)
        } else {
            files = [try SafetensorsFile(contentsOf: target)]
        }
        var fileIndex: [String: Int] = [:]
        for (position, file) in files.enumerated() {
            for tensor in file.tensors { fileIndex[tensor.name] = position }
        }
        self.fileIndex = fileIndex
        tensorNames = fileIndex.keys.sorted(by: SafetensorsName.precedes)
    }

    /// The file that holds the tensor `name`, and its entry there; nil when no file does.
    public func location(of name: String) -> (file: SafetensorsFile, tensor: SafetensorsTensor)? {
        guard let position = fileIndex[name], let tensor = files[position].tensor(name) else { return nil }
        return (files[position], tensor)
    }

    /// Reads the index at `indexPath`, opens its shards and checks each against the other
    /// (Spec/safetensors.md section 5, steps 4 to 7).
    private static func openShards(indexPath: String) throws -> [SafetensorsFile] {
        let index = try ShardIndex(file: MappedFile(path: indexPath))
        func error(_ kind: SafetensorsError.Kind) -> SafetensorsError { SafetensorsError(path: indexPath, kind: kind) }
        let folder = indexPath.lastIndex(of: "/").map { String(indexPath[...$0]) } ?? ""
        // File names compare by their bytes, as the file system does, not by canonical
        // equivalence as Swift strings do: two spellings of one name are two files.
        var shardNames: [String] = []
        for shard in index.weightMap.map(\.shard).sorted(by: SafetensorsName.precedes)
        where !(shardNames.last.map { sameBytes($0, shard) } ?? false) {
            shardNames.append(shard)
        }
        for shard in shardNames where !(try exists(folder + shard)) {
            throw error(.missingShard(shard))
        }
        let shards = try shardNames.map { try SafetensorsFile(contentsOf: folder + $0) }
        var holder: [String: String] = [:]
        for (name, shard) in zip(shardNames, shards) {
            for tensor in shard.tensors {
                if let first = holder.updateValue(name, forKey: tensor.name) {
                    throw error(.tensorInTwoShards(tensor: tensor.name, first: first, second: name))
                }
            }
        }
        let mapped = Dictionary(uniqueKeysWithValues: index.weightMap.map { ($0.tensor, $0.shard) })
        for (name, shard) in zip(shardNames, shards) {
            for tensor in shard.tensors {
                guard let mappedTo = mapped[tensor.name] else {
                    throw error(.tensorNotInWeightMap(tensor: tensor.name, shard: name))
                }
                guard sameBytes(mappedTo, name) else {
                    throw error(.tensorInWrongShard(tensor: tensor.name, shard: name, mappedTo: mappedTo))
                }
            }
        }
        for (tensor, shard) in index.weightMap.sorted(by: { SafetensorsName.precedes($0.tensor, $1.tensor) })
        where !(holder[tensor].map { sameBytes($0, shard) } ?? false) {
            throw error(.tensorNotInShard(tensor: tensor, shard: shard))
        }
        return shards
    }

    private static func sameBytes(_ left: String, _ right: String) -> Bool {
        left.utf8.elementsEqual(right.utf8)
    }

    /// Whether `path` is a folder (following symbolic links); fails when nothing is there.
    private static func isDirectory(_ path: String) throws -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { throw FileSystemError(path: path, message: "cannot stat: \(String(cString: strerror(errno)))") }
        return (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether something exists at `path` (following symbolic links); errors other than
    /// its not existing are thrown.
    private static func exists(_ path: String) throws -> Bool {
        var status = stat()
        if stat(path, &status) == 0 { return true }
        guard errno == ENOENT else { throw FileSystemError(path: path, message: "cannot stat: \(String(cString: strerror(errno)))") }
        return false
    }
}
