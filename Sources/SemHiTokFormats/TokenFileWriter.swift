import SemHiTokSupport

/// Writes a token file record by record (Spec/tokens.md section 4): each record goes to
/// disk in one write as it comes, and `finish()` adds the index.
///
/// A new file is written under a temporary name and renamed into place by `finish()`; an
/// existing file is appended to in place, so an interruption leaves every earlier record
/// readable.
public final class TokenFileWriter {
    /// The destination.
    public let path: String
    /// The header every record is written under.
    public let header: TokenFileHeader

    private let descriptor: FileDescriptor
    private let temporary: AtomicOutputFile?
    private var offsets: [Int]
    private var position: Int
    private var finished = false

    private init(path: String, header: TokenFileHeader, descriptor: FileDescriptor,
                 temporary: AtomicOutputFile?, offsets: [Int], position: Int) {
        self.path = path
        self.header = header
        self.descriptor = descriptor
        self.temporary = temporary
        self.offsets = offsets
        self.position = position
    }

    /// Starts a new token file that will replace `path` when finished.
    public static func create(at path: String, header: TokenFileHeader) throws -> TokenFileWriter {
        if let problem = header.problem() { throw TokenFileError(path: path, kind: .invalidHeader(problem)) }
        let output = try AtomicOutputFile(destination: path)
        try output.descriptor.write(header.encoded())
        return TokenFileWriter(path: path, header: header, descriptor: output.descriptor, temporary: output,
                               offsets: [], position: TokenFileHeader.length)
    }

    /// Continues the existing token file at `path`, whose header must equal `header`. Its
    /// index is removed now and written again by `finish()`. A torn tail is refused unless
    /// `discardingTornTail`, which cuts it off.
    public static func append(to path: String, header: TokenFileHeader,
                              discardingTornTail: Bool = false) throws -> TokenFileWriter {
        let (offsets, end) = try {
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
            return (existing.recordOffsets, existing.recordsEnd)
        }()
        let descriptor = try FileDescriptor.forUpdate(path)
        try descriptor.truncate(to: end)
        try descriptor.seek(to: end)
        return TokenFileWriter(path: path, header: header, descriptor: descriptor, temporary: nil,
                               offsets: offsets, position: end)
    }

    /// The number of records in the file so far, including those it had before appending.
    public var recordCount: Int { offsets.count }

    /// Validates `record` against the header and writes it.
    public func write(_ record: TokenRecord) throws {
        precondition(!finished, "write after finish")
        if let problem = record.problem(vocabularySize: header.vocabularySize) {
            throw TokenFileError(path: path, kind: .invalidRecord("record '\(record.key)': \(problem)"))
        }
        let bytes = record.encoded()
        try descriptor.write(bytes)
        offsets.append(position)
        position += bytes.count
    }

    /// Writes the index, makes the file durable and, for a new file, renames it into place.
    public func finish() throws {
        precondition(!finished, "finish called twice")
        finished = true
        try descriptor.write(TokenFileIndex.encoded(offsets: offsets, indexOffset: position))
        if let temporary {
            try temporary.commit()
        } else {
            try descriptor.synchronize()
        }
    }
}
