import SemHiTokSupport

/// Writes a token file record by record (Spec/tokens.md section 4): each record goes to
/// disk in one write as it comes, and `finish()` adds the index.
///
/// A created file is written under a temporary name and renamed into place by `finish()`;
/// an appended file is written in place, so an interruption leaves every earlier record
/// readable; a resumable run (Spec/datasets.md section 7) writes `path + ".partial"` in
/// place and renames it when finished. A failed `write` leaves the file at the end of the
/// last whole record, so `finish()` after a failure still gives a valid, indexed file:
/// every record the file held before and every new one written before the failure.
public final class TokenFileWriter {
    /// The destination.
    public let path: String
    /// The header every record is written under.
    public let header: TokenFileHeader

    /// The records the file held before this writer, none for a new file.
    public let earlierRecordCount: Int

    /// The file being written, as errors name it: `path`, or a resumable run's `.partial`
    /// file.
    public var workingPath: String {
        if case .rename(let partial) = completion { return partial }
        return path
    }

    /// What `resume` continued, nil for a writer that started a new file.
    public let resumption: Resumption?

    /// The file a resumable run continued: which, the keys of its records in order, and
    /// the torn tail of an interrupted writer that was cut off.
    public struct Resumption: Sendable {
        /// The file written in place: the destination or its `.partial` file.
        public let path: String
        public let keys: [String]
        public let discardedTail: TornTail?
    }

    /// How `finish()` completes the file.
    private enum Completion {
        /// Commit the temporary file of `create`.
        case commit(AtomicOutputFile)
        /// Make the file durable where it is.
        case inPlace
        /// Make it durable, then rename it from this path to the destination.
        case rename(from: String)
    }

    private let descriptor: FileDescriptor
    private let completion: Completion
    private var offsets: [Int]
    private var position: Int
    /// An existing file keeps its index until the first new record is written, so a run
    /// that adds nothing leaves it as it was.
    private var keepsOldIndex: Bool
    /// Whether `finish()` has been called (it may not be called again).
    public private(set) var isFinished = false

    private init(path: String, header: TokenFileHeader, descriptor: FileDescriptor, completion: Completion,
                 offsets: [Int], position: Int, keepsOldIndex: Bool, resumption: Resumption? = nil) {
        self.path = path
        self.header = header
        self.descriptor = descriptor
        self.completion = completion
        self.offsets = offsets
        self.position = position
        self.keepsOldIndex = keepsOldIndex
        self.resumption = resumption
        earlierRecordCount = offsets.count
    }

    /// Starts a new token file that will replace `path` when finished.
    public static func create(at path: String, header: TokenFileHeader) throws -> TokenFileWriter {
        try checkHeader(header, path)
        let output = try AtomicOutputFile(destination: path)
        try output.descriptor.write(header.encoded())
        return TokenFileWriter(path: path, header: header, descriptor: output.descriptor, completion: .commit(output),
                               offsets: [], position: TokenFileHeader.length, keepsOldIndex: false)
    }

    /// Continues the existing token file at `path`, whose header must equal `header`. Its
    /// index is removed when the first record is written and written again by `finish()`.
    /// A torn tail is refused unless `discardingTornTail`, which cuts it off.
    public static func append(to path: String, header: TokenFileHeader,
                              discardingTornTail: Bool = false) throws -> TokenFileWriter {
        let descriptor = try FileDescriptor.forUpdate(path)
        let existing = try openExisting(path, descriptor, header: header, discardingTornTail: discardingTornTail)
        return TokenFileWriter(path: path, header: header, descriptor: descriptor, completion: .inPlace,
                               offsets: existing.recordOffsets, position: existing.recordsEnd,
                               keepsOldIndex: existing.hasIndex)
    }

    /// The file a resumable run at `path` writes until it finishes.
    public static func partialPath(for path: String) -> String { path + ".partial" }

    /// Opens `path` for a run that can be interrupted and run again (Spec/datasets.md
    /// section 7): continues `path.partial` if an earlier run left one, else `path` itself
    /// if it exists, cutting off a torn tail and reporting the records there in
    /// `resumption`; else starts `path.partial`. With `restarting`, any `path.partial` is
    /// removed and a new one started. Refuses a file that another process is writing or
    /// that holds another model's tokens.
    public static func resume(at path: String, header: TokenFileHeader, restarting: Bool = false) throws -> TokenFileWriter {
        try checkHeader(header, path)
        let partial = partialPath(for: path)
        if restarting, let stale = try lockedIfPresent(partial) {
            try withExtendedLifetime(stale) { try removeFileIfPresent(partial) }
        }
        let continued = restarting ? nil : try lockedIfPresent(partial).map { ($0, partial) }
            ?? lockedIfPresent(path).map { ($0, path) }
        guard let (descriptor, continuedPath) = continued else {
            let descriptor = try FileDescriptor.creatingNew(partial, reportedAs: partial)
            guard try descriptor.lockExclusively() else { throw busy(partial) }
            try descriptor.write(header.encoded())
            return TokenFileWriter(path: path, header: header, descriptor: descriptor, completion: .rename(from: partial),
                                   offsets: [], position: TokenFileHeader.length, keepsOldIndex: false,
                                   resumption: nil)
        }
        let existing = try openExisting(continuedPath, descriptor, header: header, discardingTornTail: true)
        let keys = try (0..<existing.recordCount).map { try existing.record(at: $0).key }
        return TokenFileWriter(
            path: path, header: header, descriptor: descriptor,
            completion: continuedPath == path ? .inPlace : .rename(from: partial),
            offsets: existing.recordOffsets, position: existing.recordsEnd, keepsOldIndex: existing.hasIndex,
            resumption: Resumption(path: continuedPath, keys: keys, discardedTail: existing.tornTail))
    }

    /// The number of records in the file so far, including those it had before.
    public var recordCount: Int { offsets.count }

    /// Validates `record` against the header and writes it. If the write fails (a full
    /// disk), the partial record is cut off before the error is thrown.
    public func write(_ record: TokenRecord) throws {
        precondition(!isFinished, "write after finish")
        if let problem = record.problem(vocabularySize: header.vocabularySize) {
            throw TokenFileError(path: path, kind: .invalidRecord("record '\(record.key)': \(problem)"))
        }
        let bytes = record.encoded()
        try seekToRecordsEnd()
        do {
            try descriptor.write(bytes)
        } catch {
            try? descriptor.truncate(to: position)
            throw error
        }
        offsets.append(position)
        position += bytes.count
    }

    /// Writes the index, makes the file durable and, for a created file or a resumable
    /// run's `.partial` file, renames it into place. An existing file to which no record
    /// was written is left as it was.
    public func finish() throws {
        try writeIndex()
        switch completion {
        case .commit(let temporary): try temporary.commit()
        case .inPlace: break
        case .rename(let partial): try renameFile(partial, to: path)
        }
    }

    /// Ends a run that failed or was interrupted: writes the index and makes the file
    /// durable where it is, without renaming a resumable run's `.partial` file, for the next
    /// run to continue. A created file's temporary, and a `.partial` file this writer started
    /// and wrote no record to, are removed instead.
    public func suspend() throws {
        switch completion {
        case .commit:
            isFinished = true
        case .rename(let partial) where resumption == nil && offsets.isEmpty:
            isFinished = true
            try removeFileIfPresent(partial)
        case .rename, .inPlace:
            try writeIndex()
        }
    }

    private func writeIndex() throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        if keepsOldIndex { return }
        try seekToRecordsEnd()
        try descriptor.write(TokenFileIndex.encoded(offsets: offsets, indexOffset: position))
        if case .commit = completion { return }
        try descriptor.synchronize()
    }

    /// Positions the file after its last whole record, removing an existing file's old
    /// index on the first call.
    private func seekToRecordsEnd() throws {
        if keepsOldIndex {
            try descriptor.truncate(to: position)
            keepsOldIndex = false
        }
        try descriptor.seek(to: position)
    }

    private static func checkHeader(_ header: TokenFileHeader, _ path: String) throws {
        if let problem = header.problem() { throw TokenFileError(path: path, kind: .invalidHeader(problem)) }
    }

    /// `path` opened for update and locked, or nil when there is no such file.
    private static func lockedIfPresent(_ path: String) throws -> FileDescriptor? {
        guard let descriptor = try FileDescriptor.forUpdateIfPresent(path) else { return nil }
        guard try descriptor.lockExclusively() else { throw busy(path) }
        return descriptor
    }

    private static func busy(_ path: String) -> TokenFileError {
        TokenFileError(path: path, kind: .inUse)
    }

    /// The existing file at `path`, open as `descriptor`, checked against `header`; a file
    /// without an index is cut after its last whole record.
    private static func openExisting(_ path: String, _ descriptor: FileDescriptor, header: TokenFileHeader,
                                     discardingTornTail: Bool) throws -> TokenFile {
        let existing = try TokenFile(contentsOf: path)
        guard existing.header == header else {
            throw TokenFileError(path: path, kind: .headerMismatch(
                "the file's header (\(existing.header)) differs from the writer's (\(header))"))
        }
        if let tail = existing.tornTail, !discardingTornTail {
            throw TokenFileError(path: path, kind: .tornTail(tail))
        }
        if !existing.hasIndex {
            try descriptor.truncate(to: existing.recordsEnd)
        }
        return existing
    }
}
