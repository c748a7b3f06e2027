import SemHiTokSupport

/// A token file opened for random access (Spec/tokens.md section 2.2): the header, and
/// record `n` on demand, found through the index or, when the file has none, by one scan
/// at open. A torn tail left by an interrupted writer is reported in `tornTail`, and every
/// record before it stays readable.
public final class TokenFile: Sendable {
    /// The path the file was opened from (for bytes given in memory, the name they were
    /// given).
    public let path: String
    /// Which model made the tokens, and its vocabulary and grid.
    public let header: TokenFileHeader
    /// Whether the file ends with a valid index (the writer finished).
    public let hasIndex: Bool
    /// The unreadable bytes at the end, if any.
    public let tornTail: TornTail?
    /// The offset just after the last record: where an appending writer continues.
    public let recordsEnd: Int

    private let file: MappedFile
    private let offsets: [Int]

    /// Opens the token file at `path`, validating its header and finding its records.
    public convenience init(contentsOf path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Reads the token file held in `bytes`, which are copied, exactly as
    /// `init(contentsOf:)` reads a file; `name` stands for the path in `path` and in errors.
    /// For token files that do not come from a file.
    public convenience init(bytes: UnsafeRawBufferPointer, name: String) throws {
        try self.init(file: MappedFile(copying: bytes, path: name))
    }

    private init(file: MappedFile) throws {
        path = file.path
        self.file = file
        header = try TokenFileHeader.parse(file.bytes, path: path)
        if let index = TokenFileIndex.read(file.bytes) {
            offsets = index.offsets
            recordsEnd = index.indexOffset
            hasIndex = true
            tornTail = nil
            return
        }
        hasIndex = false
        var offsets: [Int] = []
        var position = TokenFileHeader.length
        var tornTail: TornTail? = nil
        let bytes = file.bytes
        while position < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            do throws(TokenRecordProblem) {
                guard !rest.starts(with: TokenFileIndex.tag) else { throw TokenRecordProblem.invalidIndex }
                let size = try TokenRecord.decode(rest, vocabularySize: header.vocabularySize).size
                offsets.append(position)
                position += size
            } catch {
                tornTail = TornTail(offset: position, length: bytes.count - position, problem: error)
                break
            }
        }
        self.offsets = offsets
        self.tornTail = tornTail
        recordsEnd = position
    }

    /// The number of readable records.
    public var recordCount: Int { offsets.count }

    /// Record `index` (0-based), validated (Spec/tokens.md section 2.4).
    public func record(at index: Int) throws -> TokenRecord {
        guard offsets.indices.contains(index) else {
            throw TokenFileError(path: path, kind: .recordIndexOutOfRange(index: index, count: offsets.count))
        }
        let start = offsets[index]
        let end = index + 1 < offsets.count ? offsets[index + 1] : recordsEnd
        do throws(TokenRecordProblem) {
            let (record, size) = try TokenRecord.decode(UnsafeRawBufferPointer(rebasing: file.bytes[start..<end]),
                                                        vocabularySize: header.vocabularySize)
            guard size == end - start else { throw TokenRecordProblem.wrongLength(expected: end - start, found: size) }
            return record
        } catch {
            throw TokenFileError(path: path, kind: .corruptRecord(index: index, offset: start, problem: error))
        }
    }

    /// The offset of every readable record, in order.
    var recordOffsets: [Int] { offsets }
}
