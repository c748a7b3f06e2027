import SemHiTokSupport

/// One image's tokens (Spec/tokens.md section 1.2): a key naming the image, its grid, and
/// the token ids `h = i * m + j` in row-major order.
public struct TokenRecord: Equatable, Sendable {
    /// The record tag "SHTR".
    static let tag: [UInt8] = Array("SHTR".utf8)
    /// Size of the fixed part before the key.
    static let fixedLength = 16
    /// The largest grid side and key length a record may have.
    public static let maximumGridSide = 65_535
    public static let maximumKeyLength = 65_535

    /// A file name or id; may be empty.
    public var key: String
    /// Grid height in patches.
    public var gridHeight: Int
    /// Grid width in patches.
    public var gridWidth: Int
    /// `gridHeight * gridWidth` token ids, row-major.
    public var tokens: [UInt32]

    public init(key: String, gridHeight: Int, gridWidth: Int, tokens: [UInt32]) {
        self.key = key
        self.gridHeight = gridHeight
        self.gridWidth = gridWidth
        self.tokens = tokens
    }

    /// The record's bytes. The caller has checked it with `problem(vocabularySize:)`.
    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        let keyBytes = Array(key.utf8)
        writer.append(Self.tag)
        writer.u32(UInt32(gridHeight))
        writer.u32(UInt32(gridWidth))
        writer.u32(UInt32(keyBytes.count))
        writer.append(keyBytes)
        writer.zeros(Self.padding(keyLength: keyBytes.count))
        writer.append(littleEndianBytes(tokens))
        let checksum = writer.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        writer.u32(checksum)
        return writer.bytes
    }

    /// Describes why this record cannot be written to a file with `vocabularySize`, or nil.
    func problem(vocabularySize: Int) -> String? {
        guard (1...Self.maximumGridSide).contains(gridHeight), (1...Self.maximumGridSide).contains(gridWidth) else {
            return "grid \(gridHeight) x \(gridWidth): each side must be 1 to \(Self.maximumGridSide)"
        }
        guard tokens.count == gridHeight * gridWidth else {
            return "\(tokens.count) tokens for a \(gridHeight) x \(gridWidth) grid"
        }
        guard key.utf8.count <= Self.maximumKeyLength else {
            return "the key is \(key.utf8.count) bytes, the limit is \(Self.maximumKeyLength)"
        }
        if let position = tokens.firstIndex(where: { Int($0) >= vocabularySize }) {
            return "token \(tokens[position]) at position \(position) is not below the vocabulary size \(vocabularySize)"
        }
        return nil
    }

    /// Zero bytes after a key of `keyLength` bytes, so the tokens start 4-byte aligned.
    static func padding(keyLength: Int) -> Int { (4 - keyLength % 4) % 4 }

    /// Reads the 16-byte fixed part at the start of `bytes` and returns the whole record's
    /// size (Spec/tokens.md section 2.4, step 1).
    static func size(fromFixedPart bytes: UnsafeRawBufferPointer) throws(TokenRecordProblem) -> Int {
        guard bytes.count >= fixedLength else { throw .incomplete(needed: fixedLength, available: bytes.count) }
        guard bytes.starts(with: tag) else { throw .badTag }
        let height = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let width = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let keyLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        guard (1...maximumGridSide).contains(height), (1...maximumGridSide).contains(width) else {
            throw .invalidRecordHeader("grid \(height) x \(width)")
        }
        guard keyLength <= maximumKeyLength else { throw .invalidRecordHeader("key length \(keyLength)") }
        return fixedLength + keyLength + padding(keyLength: keyLength) + 4 * height * width + 4
    }

    /// Parses and validates the complete record that starts `bytes` (which may extend
    /// further); returns it and its size (Spec/tokens.md section 2.4).
    static func decode(_ bytes: UnsafeRawBufferPointer, vocabularySize: Int) throws(TokenRecordProblem)
        -> (record: TokenRecord, size: Int)
    {
        let size = try size(fromFixedPart: bytes)
        guard size <= bytes.count else { throw .incomplete(needed: size, available: bytes.count) }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self))
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(size - 4)])) == stored else {
            throw .checksumMismatch
        }
        let height = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let width = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let keyLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let keyEnd = fixedLength + keyLength
        guard let key = String(validating: bytes[fixedLength..<keyEnd], as: UTF8.self) else { throw .invalidKey }
        let tokensStart = keyEnd + padding(keyLength: keyLength)
        guard bytes[keyEnd..<tokensStart].allSatisfy({ $0 == 0 }) else {
            throw .invalidRecordHeader("non-zero key padding")
        }
        var tokens = [UInt32](repeating: 0, count: height * width)
        for position in tokens.indices {
            let token = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: tokensStart + 4 * position, as: UInt32.self))
            guard Int(token) < vocabularySize else {
                throw .tokenOutOfRange(position: position, value: token, vocabularySize: vocabularySize)
            }
            tokens[position] = token
        }
        return (TokenRecord(key: key, gridHeight: height, gridWidth: width, tokens: tokens), size)
    }
}
