import Foundation
import SemHiTok

/// A merge of token files as `semhitok cat` makes it (Spec/datasets.md section 8), settled
/// before anything is written: the inputs, checked to be whole token files with one header
/// and not to be the output, every record read once, and the records the output leaves
/// out under the duplicate-key policy. `write(to:)` then copies the others, in order.
struct TokenFileMerge {
    /// What a merge does with a record whose key an earlier record has.
    enum Duplicates: String, CaseIterable {
        /// Refuse the merge, naming the key and both records.
        case error
        /// Keep the earlier record and leave this one out.
        case first
        /// Keep every record.
        case all
    }

    /// The inputs, opened, in the order given.
    let inputs: [TokenFile]
    /// For each input, the numbers of the records left out because an earlier record has
    /// their key.
    private let leftOut: [Set<Int>]

    /// Opens and checks the token files at `paths` for a merge into `output`; throws a
    /// `MergeError`, or the error that names an input that cannot be read, at the first
    /// problem.
    init(inputs paths: [String], output: String, duplicates: Duplicates) throws {
        if let outputFile = Self.identity(output), let input = paths.first(where: { Self.identity($0) == outputFile }) {
            throw MergeError.outputIsAnInput(output: output, input: input)
        }
        var keys = KeyOccurrences()
        var inputs: [TokenFile] = []
        var leftOut: [Set<Int>] = []
        for path in paths {
            let file = try Self.open(path)
            if let first = inputs.first, file.header != first.header {
                throw MergeError.headerMismatch(first: first.path, first.header, other: path, file.header)
            }
            var left: Set<Int> = []
            for index in 0..<file.recordCount {
                let record: TokenRecord
                do {
                    record = try file.record(at: index)
                } catch let error as TokenFileError {
                    throw MergeError.damaged(error)
                }
                let place = RecordPlace(path: path, index: index)
                guard duplicates != .all, let earlier = keys.add(record.key, at: place) else { continue }
                guard duplicates == .first else { throw MergeError.duplicateKey(record.key, first: earlier, again: place) }
                left.insert(index)
            }
            inputs.append(file)
            leftOut.append(left)
        }
        self.inputs = inputs
        self.leftOut = leftOut
    }

    /// How many records the output leaves out because an earlier record has their key.
    var leftOutCount: Int { leftOut.reduce(0) { $0 + $1.count } }

    /// Writes the records of the inputs, in order, less those left out, to a new token file
    /// that replaces `output` when finished; returns how many were written. The records are
    /// read again one at a time, so memory does not grow with the inputs.
    func write(to output: String) throws -> Int {
        let writer = try TokenFileWriter.create(at: output, header: inputs[0].header)
        for (file, left) in zip(inputs, leftOut) {
            for index in 0..<file.recordCount where !left.contains(index) {
                try writer.write(file.record(at: index))
            }
        }
        try writer.finish()
        return writer.recordCount
    }

    /// The token file at `path`, refused if it is a weight container or has a torn tail.
    private static func open(_ path: String) throws -> TokenFile {
        if try FileFormat.detect(path: path) == .weights { throw MergeError.weightContainer(path: path) }
        let file = try TokenFile(contentsOf: path)
        if let tail = file.tornTail { throw MergeError.damaged(TokenFileError(path: path, kind: .tornTail(tail))) }
        return file
    }

    /// The device and inode of the file at `path`, symbolic links followed; nil if there is
    /// none.
    private static func identity(_ path: String) -> [UInt64]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [UInt64(truncatingIfNeeded: status.st_dev), UInt64(truncatingIfNeeded: status.st_ino)]
    }
}
