import SemHiTokSupport

/// The fixed 64-byte header of a token file (Spec/tokens.md section 1.1): which model made
/// the tokens and the shape of its vocabulary and grid.
public struct TokenFileHeader: Equatable, Sendable {
    /// The magic bytes `\x89SHT\r\n\x1a\n`.
    public static let magic: [UInt8] = [0x89, 0x53, 0x48, 0x54, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version this library reads and writes.
    public static let formatVersion: UInt32 = 1
    /// The header's size in bytes; the first record starts here.
    public static let length = 64

    /// SHA-256 of the producing model's weight header (Spec/weights.md section 6), 32 bytes.
    public var modelFingerprint: [UInt8]
    /// `K`, the number of semantic codes.
    public var semanticCodebookSize: Int
    /// `m`, the number of pixel codes per semantic code.
    public var pixelCodebookSize: Int
    /// The model's native grid height, in patches.
    public var gridHeight: Int
    /// The model's native grid width, in patches.
    public var gridWidth: Int

    /// A header; `validate` checks the values.
    public init(modelFingerprint: [UInt8], semanticCodebookSize: Int, pixelCodebookSize: Int,
                gridHeight: Int, gridWidth: Int) {
        self.modelFingerprint = modelFingerprint
        self.semanticCodebookSize = semanticCodebookSize
        self.pixelCodebookSize = pixelCodebookSize
        self.gridHeight = gridHeight
        self.gridWidth = gridWidth
    }

    /// `K * m`: every token is below it.
    public var vocabularySize: Int { semanticCodebookSize * pixelCodebookSize }

    /// The fingerprint as 64 lowercase hex digits.
    public var fingerprintHex: String { Hexadecimal.digits(modelFingerprint) }

    /// Describes what is wrong with the values, or nil if they are valid.
    func problem() -> String? {
        if modelFingerprint.count != 32 { return "the model fingerprint must be 32 bytes" }
        for (name, value) in [("K", semanticCodebookSize), ("m", pixelCodebookSize),
                              ("grid height", gridHeight), ("grid width", gridWidth)]
        where value < 1 || value > Int(UInt32.max) {
            return "\(name) is \(value), it must be 1 to 2^32 - 1"
        }
        let (vocabulary, overflow) = semanticCodebookSize.multipliedReportingOverflow(by: pixelCodebookSize)
        if overflow || vocabulary > Int(Int32.max) {
            return "K * m is above 2^31 - 1"
        }
        return nil
    }

    /// The 64 header bytes.
    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.append(Self.magic)
        writer.u32(Self.formatVersion)
        writer.u32(0)
        writer.append(modelFingerprint)
        writer.u32(UInt32(semanticCodebookSize))
        writer.u32(UInt32(pixelCodebookSize))
        writer.u32(UInt32(gridHeight))
        writer.u32(UInt32(gridWidth))
        let checksum = writer.bytes[16...].withUnsafeBytes { CRC32C.checksum($0) }
        writer.patchU32(checksum, at: 12)
        return writer.bytes
    }

    /// Parses and validates the header at the start of `bytes` (Spec/tokens.md section 2.1).
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> TokenFileHeader {
        func error(_ kind: TokenFileError.Kind) -> TokenFileError { TokenFileError(path: path, kind: kind) }
        guard bytes.count >= length else { throw error(.truncatedHeader(fileSize: bytes.count)) }
        var reader = ByteReader(bytes)
        guard try Array(reader.bytes(8, "magic")) == magic else { throw error(.notATokenFile) }
        let version = try reader.u32("format_version")
        guard version == formatVersion else { throw error(.unsupportedVersion(version)) }
        let checksum = try reader.u32("header_crc")
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[16..<length])) == checksum else {
            throw error(.headerChecksumMismatch)
        }
        let header = TokenFileHeader(
            modelFingerprint: Array(try reader.bytes(32, "model_fingerprint")),
            semanticCodebookSize: Int(try reader.u32("K")), pixelCodebookSize: Int(try reader.u32("m")),
            gridHeight: Int(try reader.u32("grid_height")), gridWidth: Int(try reader.u32("grid_width")))
        if let problem = header.problem() { throw error(.invalidHeader(problem)) }
        return header
    }

    /// Checks that these tokens were made by the model with `fingerprint`, `K` and `m`
    /// (Spec/tokens.md section 3); `path` names the token file in the error.
    public func checkProducedBy(fingerprint: [UInt8], semanticCodebookSize: Int, pixelCodebookSize: Int,
                                path: String) throws {
        guard fingerprint == modelFingerprint, semanticCodebookSize == self.semanticCodebookSize,
              pixelCodebookSize == self.pixelCodebookSize else {
            throw TokenFileError(path: path, kind: .modelMismatch(
                expected: "\(Hexadecimal.digits(fingerprint)) (K \(semanticCodebookSize), m \(pixelCodebookSize))",
                found: "\(fingerprintHex) (K \(self.semanticCodebookSize), m \(self.pixelCodebookSize))"))
        }
    }
}

extension TokenFileHeader: CustomStringConvertible {
    /// `model <fingerprint>, K <K>, m <m>, grid <height> x <width>`: every field two token
    /// files must share to be appended to or merged with each other.
    public var description: String {
        "model \(fingerprintHex), K \(semanticCodebookSize), m \(pixelCodebookSize), grid \(gridHeight) x \(gridWidth)"
    }
}
