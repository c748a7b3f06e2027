import Foundation
import SemHiTokSupport

/// One record of a dataset in its fixed order, with its image file's bytes or the reason
/// they could not be had.
public struct DatasetEntry: Sendable {
    /// The record's place in the whole dataset's order, counting every record of every input
    /// (also those another shard takes); nil for the failure of a whole input.
    public let ordinal: Int?
    public let key: String
    public let content: Result<[UInt8], DatasetFailure>
}

/// Reads the records of a list of inputs in the fixed order of Spec/datasets.md section 1,
/// loading only those `wanted` accepts (by ordinal and key): the others cost a directory
/// entry or a skipped tar member. Never throws: what cannot be read comes back as a failed
/// entry, and a damaged shard or list ends there with one.
public final class DatasetReader {
    /// The longest key a token record holds (Spec/tokens.md section 1.2).
    public static let maximumKeyLength = 65_535
    private let inputs: [DatasetInput]
    private let wanted: (Int, String) -> Bool
    private let maximumFileSize: Int
    private var nextInput = 0
    private var current: Source?
    private var ordinal = 0

    /// - Parameters:
    ///   - maximumFileSize: image files and shard members larger than this fail without being read.
    ///   - wanted: whether to load the record with this ordinal and key.
    public init(inputs: [DatasetInput], maximumFileSize: Int, wanted: @escaping (Int, String) -> Bool) {
        self.inputs = inputs
        self.maximumFileSize = maximumFileSize
        self.wanted = wanted
    }

    /// The next wanted record or failure, or nil when every input is done.
    public func next() -> DatasetEntry? {
        while true {
            if current == nil {
                guard nextInput < inputs.count else { return nil }
                defer { nextInput += 1 }
                do {
                    current = try Source(opening: inputs[nextInput])
                } catch {
                    return DatasetEntry(ordinal: nil, key: inputs[nextInput].name, content: .failure(failure(error, inputs[nextInput].name)))
                }
            }
            do {
                guard let found = try current!.nextCandidate() else {
                    current = nil
                    continue
                }
                let place = ordinal
                ordinal += 1
                guard wanted(place, found.key) else { continue }
                guard found.key.utf8.count <= Self.maximumKeyLength else {
                    return DatasetEntry(ordinal: place, key: found.key, content: .failure(DatasetFailure(
                        key: found.key, reason: "the key is longer than \(Self.maximumKeyLength) bytes")))
                }
                return DatasetEntry(ordinal: place, key: found.key, content: load(found))
            } catch {
                let name = current!.input.name
                current = nil
                return DatasetEntry(ordinal: nil, key: name, content: .failure(failure(error, name)))
            }
        }
    }

    /// The number of records of `inputs`, found by listing them without reading any image
    /// (a shard's members are skipped over); nil when a list or shard is standard input or
    /// another file that is not regular (a pipe), which cannot be read twice.
    public static func recordCount(of inputs: [DatasetInput]) -> Int? {
        for input in inputs {
            switch input {
            case .image, .folder: continue
            case .list(let path), .shard(let path):
                let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
                guard path != "-", type == .typeRegular else { return nil }
            }
        }
        let reader = DatasetReader(inputs: inputs, maximumFileSize: 0) { _, _ in false }
        while reader.next() != nil {}
        return reader.ordinal
    }

    private func load(_ candidate: Candidate) -> Result<[UInt8], DatasetFailure> {
        do {
            switch candidate.location {
            case .file(let path):
                return .success(try readFile(path))
            case .member(let reader, let size):
                guard size <= maximumFileSize else {
                    return .failure(DatasetFailure(key: candidate.key, reason: "\(size) bytes is over the limit of \(maximumFileSize)"))
                }
                return .success(try reader.readData(maximumSize: maximumFileSize))
            }
        } catch {
            return .failure(failure(error, candidate.key))
        }
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        let file = try FileDescriptor.forReading(path)
        guard let size = try file.regularFileSize() else {
            throw DatasetFailure(key: path, reason: "not a regular file")
        }
        guard size <= maximumFileSize else {
            throw DatasetFailure(key: path, reason: "\(size) bytes is over the limit of \(maximumFileSize)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        let got = try bytes.withUnsafeMutableBytes { try file.read(into: $0) }
        guard got == size else { throw DatasetFailure(key: path, reason: "the file changed size while it was read") }
        return bytes
    }

    private func failure(_ error: any Error, _ key: String) -> DatasetFailure {
        switch error {
        case let failure as DatasetFailure: DatasetFailure(key: key, reason: failure.reason)
        case let tar as TarError: DatasetFailure(key: key, reason: "at byte \(tar.offset): \(tar.problem)")
        case let system as FileSystemError: DatasetFailure(key: key, reason: system.message)
        default: DatasetFailure(key: key, reason: "\(error)")
        }
    }
}

/// A record found in an input, before it is loaded.
private struct Candidate {
    enum Location {
        case file(String)
        /// The tar member `next()` returned last, and its size.
        case member(TarReader, Int)
    }

    let key: String
    let location: Location
}

/// An open input, giving its records' keys in order.
private final class Source {
    let input: DatasetInput
    private var state: State

    private enum State {
        case image(done: Bool)
        case folder(root: String, paths: [String], next: Int)
        case list(LineReader, base: String)
        case shard(TarReader, sampleKey: String?, sampleHasImage: Bool)
    }

    init(opening input: DatasetInput) throws {
        self.input = input
        switch input {
        case .image:
            state = .image(done: false)
        case .folder(let root):
            state = .folder(root: root, paths: try FolderListing.imagePaths(in: root), next: 0)
        case .list(let path):
            let reader = try LineReader(path: path)
            let base = path == "-" ? "" : (path as NSString).deletingLastPathComponent
            state = .list(reader, base: base)
        case .shard(let path):
            state = .shard(try TarReader(path: path), sampleKey: nil, sampleHasImage: false)
        }
    }

    func nextCandidate() throws -> Candidate? {
        switch state {
        case .image(let done):
            guard !done, case .image(let path) = input else { return nil }
            state = .image(done: true)
            return Candidate(key: path, location: .file(path))
        case .folder(let root, let paths, let next):
            guard next < paths.count else { return nil }
            state = .folder(root: root, paths: paths, next: next + 1)
            return Candidate(key: paths[next], location: .file(root + "/" + paths[next]))
        case .list(let reader, let base):
            guard let line = try reader.nextLine() else { return nil }
            let path = line.hasPrefix("/") || base.isEmpty ? line : base + "/" + line
            return Candidate(key: line, location: .file(path))
        case .shard(let reader, var sampleKey, var sampleHasImage):
            defer { state = .shard(reader, sampleKey: sampleKey, sampleHasImage: sampleHasImage) }
            while let member = try reader.next() {
                guard member.kind == .file, let (key, ext) = WebDatasetKey.split(member.path) else { continue }
                if key != sampleKey {
                    sampleKey = key
                    sampleHasImage = false
                }
                guard !sampleHasImage, WebDatasetKey.isImage(extension: ext) else { continue }
                sampleHasImage = true
                return Candidate(key: key, location: .member(reader, member.size))
            }
            return nil
        }
    }
}

extension DatasetInput {
    /// The path or `-` the input was named by.
    public var name: String {
        switch self {
        case .image(let path), .folder(let path), .list(let path), .shard(let path): path
        }
    }
}
