import SemHiTokSupport

/// Writes a token file record by record (Spec/tokens.md section 4): each record goes to
/// disk in one write as it comes, and `finish()` adds the index.
///
/// A new file is written under a temporary name and renamed into place by `finish()`; an
/// existing file is appended to in place, so an interruption leaves every earlier record
/// readable. A failed `write` leaves the file at the end of the last whole record, so
/// `finish()` after a failure still gives a valid, indexed file: for an append, every record
/// the file held before and every new one written before the failure.
public final class TokenFileWriter {
    /// The destination.
    public let path: String
    /// The header every record is written under.
    public let header: TokenFileHeader

    /// The records the file held before this writer, none for a new file.
    public let earlierRecordCount: Int

    private let descriptor: FileDescriptor
    private let temporary: AtomicOutputFile?
    private var offsets: [Int]
    private var position: Int
    /// An appended file keeps its index until the first new record is written, so a run
    /// that adds nothing leaves the file as it was.
    private var keepsOldIndex: Bool
    /// Whether `finish()` has been called (it may not be called again).
    public private(set) var isFinished = false

    private init(path: String, header: TokenFileHeader, descriptor: FileDescriptor,
                 temporary: AtomicOutputFile?, offsets: [Int], position: Int, keepsOldIndex: Bool) {
        self.path = path
        self.header = header
        self.descriptor = descriptor
        self.temporary = temporary
        self.offsets = offsets
        self.position = position
        self.keepsOldIndex = keepsOldIndex
        earlierRecordCount = offsets.count
    }

    /// Starts a new token file that will replace `path` when finished.
    public static func create(at path: String, header: TokenFileHeader) throws -> TokenFileWriter {
        if let problem = header.problem() { throw TokenFileError(path: path, kind: .invalidHeader(problem)) }
        let output = try AtomicOutputFile(destination: path)
        try output.descriptor.write(header.encoded())
        return TokenFileWriter(path: path, header: header, descriptor: output.descriptor, temporary: output,
                               offsets: [], position: TokenFileHeader.length, keepsOldIndex: false)
    }

    /// Continues the existing token file at `path`, whose header must equal `header`. Its
    /// index is removed when the first record is written and written again by `finish()`.
    /// A torn tail is refused unless `discardingTornTail`, which cuts it off.
    public static func append(to path: String, header: TokenFileHeader,
                              discardingTornTail: Bool = false) throws -> TokenFileWriter {
        let (offsets, end, indexed) = try {
            let existing = try TokenFile(contentsOf: path)
            guard existing.header == header else {
                throw TokenFileError(path: path, kind: .headerMismatch(
                    "the file's header (model \(existing.header.fingerprintHex), K \(existing.header.semanticCodebookSize), "
                        + "m \(existing.header.pixelCodebookSize), grid \(existing.header.gridHeight) x \(existing.header.gridWidth)) "
                        + "differs from the writer's (model \(header.fingerprintHex), K \(header.semanticCodebookSize), "
                        + "m \(header.pixelCodebookSize), grid \(header.gridHeight) x \(header.gridWidth))"))
            }
            if let tail = existing.tornTail, !discardingTornTail {
                throw TokenFileError(path: path, kind: .tornTail(tail))
            }
            return (existing.recordOffsets, existing.recordsEnd, existing.hasIndex)
        }()
        let descriptor = try FileDescriptor.forUpdate(path)
        if !indexed {
            try descriptor.truncate(to: end)
        }
        return TokenFileWriter(path: path, header: header, descriptor: descriptor, temporary: nil,
                               offsets: offsets, position: end, keepsOldIndex: indexed)
    }

    /// The number of records in the file so far, including those it had before appending.
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

    /// Writes the index, makes the file durable and, for a new file, renames it into place.
    /// An appended file to which no record was written is left as it was.
    public func finish() throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        if keepsOldIndex { return }
        try seekToRecordsEnd()
        try descriptor.write(TokenFileIndex.encoded(offsets: offsets, indexOffset: position))
        if let temporary {
            try temporary.commit()
        } else {
            try descriptor.synchronize()
        }
    }

    /// Positions the file after its last whole record, removing an appended file's old
    /// index on the first call.
    private func seekToRecordsEnd() throws {
        if keepsOldIndex {
            try descriptor.truncate(to: position)
            keepsOldIndex = false
        }
        try descriptor.seek(to: position)
    }
}
