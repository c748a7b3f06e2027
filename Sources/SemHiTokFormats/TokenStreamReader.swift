import SemHiTokSupport

/// Reads a token file front to back without seeking, for pipes and sequential scans of
/// large shards (Spec/tokens.md section 2.4, last paragraph). Memory grows only with the
/// bytes actually read, never with a size the input merely claims.
public final class TokenStreamReader {
    /// The input's name, for messages.
    public let path: String
    /// The file header, read when the stream is opened.
    public let header: TokenFileHeader

    private let input: FileDescriptor
    private var position = TokenFileHeader.length
    private var offsets: [Int] = []
    private var finished = false

    /// Opens `path` ("-" for standard input) and reads the header.
    public convenience init(path: String) throws {
        try self.init(input: path == "-" ? FileDescriptor.standardInput() : FileDescriptor.forReading(path))
    }

    init(input: FileDescriptor) throws {
        self.input = input
        path = input.path
        let bytes = try Self.read(TokenFileHeader.length, from: input)
        header = try bytes.withUnsafeBytes { try TokenFileHeader.parse($0, path: input.path) }
    }

    /// The next record, or nil at the end of the stream. At a torn tail it throws
    /// `TokenFileError` with kind `.tornTail`, after every earlier record was returned.
    public func next() throws -> TokenRecord? {
        guard !finished else { return nil }
        var bytes = try Self.read(4, from: input)
        if bytes.isEmpty {
            finished = true
            return nil
        }
        if bytes == TokenFileIndex.tag {
            let expected = TokenFileIndex.encoded(offsets: offsets, indexOffset: position)
            let rest = try Self.read(expected.count - 4 + 1, from: input)
            guard bytes + rest == expected else { throw try tornTail(.invalidIndex, consumed: 4 + rest.count) }
            finished = true
            return nil
        }
        bytes += try Self.read(TokenRecord.fixedLength - 4, from: input)
        do {
            let size = try bytes.withUnsafeBytes { try TokenRecord.size(fromFixedPart: $0) }
            bytes += try Self.read(size - bytes.count, from: input)
            let record = try bytes.withUnsafeBytes {
                try TokenRecord.decode($0, vocabularySize: header.vocabularySize).record
            }
            offsets.append(position)
            position += size
            return record
        } catch let problem as TokenRecordProblem {
            throw try tornTail(problem, consumed: bytes.count)
        }
    }

    /// Drains the rest of the input to measure the torn tail, and returns the error.
    private func tornTail(_ problem: TokenRecordProblem, consumed: Int) throws -> TokenFileError {
        finished = true
        var length = consumed
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try input.read(into: $0) }
            length += got
            if got < chunk.count { break }
        }
        return TokenFileError(path: path, kind: .tornTail(TornTail(offset: position, length: length, problem: problem)))
    }

    /// Reads up to `count` bytes (fewer only at the end of input), in chunks, so that the
    /// buffer grows only as data arrives.
    private static func read(_ count: Int, from input: FileDescriptor) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(count, 1 << 20))
        while bytes.count < count {
            let want = min(chunk.count, count - bytes.count)
            let got = try chunk.withUnsafeMutableBytes { try input.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
            bytes += chunk[0..<got]
            if got < want { break }
        }
        return bytes
    }
}
