import SemHiTokSupport

/// Why a weight container could not be read, written or used (Spec/weights.md section 4).
/// Each violation of the format is its own case; the description names the file and the
/// key or tensor involved.
public struct WeightFileError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        case truncatedPreamble(fileSize: Int)
        case notAWeightFile
        case unsupportedVersion(UInt32)
        case headerTooLarge(headerLength: UInt64)
        case headerLengthPastEnd(headerLength: UInt64, fileSize: Int)
        case headerChecksumMismatch(stored: UInt32, computed: UInt32)
        case fileLengthMismatch(declared: UInt64, actual: Int)
        case truncatedHeader(field: String)
        case invalidName(String)
        case duplicateKey(String)
        case duplicateTensorName(String)
        case entriesNotSorted(String)
        case unknownValueType(key: String, code: UInt8)
        case invalidUTF8(key: String)
        case unknownDType(tensor: String, code: UInt8)
        case rankTooLarge(tensor: String, rank: Int)
        case shapeOverflow(tensor: String)
        case byteLengthMismatch(tensor: String, expected: UInt64, actual: UInt64)
        case misalignedOffset(tensor: String, offset: UInt64)
        case offsetInsideHeader(tensor: String, offset: UInt64)
        case offsetOutOfBounds(tensor: String, offset: UInt64, byteLength: UInt64)
        case overlappingTensors(String, String)
        case tensorChecksumMismatch(tensor: String)
        case trailingHeaderBytes(count: Int)
        case missingTensor(String)
        case missingKey(String)
        case wrongValueType(key: String, expected: String, found: String)
        case invalidValue(key: String, detail: String)
        case unexpectedDType(tensor: String, expected: String, found: DType)
        case unexpectedShape(tensor: String, expected: String, found: [Int])
    }

    /// The file involved.
    public let path: String
    /// What went wrong.
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(path): \(message)" }

    private var message: String {
        switch kind {
        case .truncatedPreamble(let size):
            "truncated preamble: the file is \(size) bytes, a weight container starts with 32"
        case .notAWeightFile:
            "not a SemHiTok weight container (bad magic)"
        case .unsupportedVersion(let version):
            "unsupported weight container version \(version) (this reader knows version 1)"
        case .headerTooLarge(let length):
            "header too large: \(length) bytes, the limit is \(WeightFile.maximumHeaderLength)"
        case .headerLengthPastEnd(let length, let size):
            "header length past the end: the header claims \(length) bytes after the 32-byte preamble, the file is \(size) bytes"
        case .headerChecksumMismatch(let stored, let computed):
            "header checksum mismatch: stored \(Hexadecimal.prefixed(stored)), computed \(Hexadecimal.prefixed(computed))"
        case .fileLengthMismatch(let declared, let actual):
            "file length mismatch: the header says \(declared) bytes, the file is \(actual) (truncated or extended)"
        case .truncatedHeader(let field):
            "truncated header: it ends inside \(field)"
        case .invalidName(let name):
            "invalid name \(name): names are 1 to 256 printable ASCII characters without spaces"
        case .duplicateKey(let key):
            "duplicate configuration key '\(key)'"
        case .duplicateTensorName(let name):
            "duplicate tensor name '\(name)'"
        case .entriesNotSorted(let name):
            "entries not sorted: '\(name)' comes after a greater name"
        case .unknownValueType(let key, let code):
            "configuration key '\(key)': unknown value type \(code)"
        case .invalidUTF8(let key):
            "configuration key '\(key)': the string is not valid UTF-8"
        case .unknownDType(let tensor, let code):
            "tensor '\(tensor)': unknown dtype \(code)"
        case .rankTooLarge(let tensor, let rank):
            "tensor '\(tensor)': rank \(rank) is above the limit of 8"
        case .shapeOverflow(let tensor):
            "tensor '\(tensor)': the shape's byte size overflows 64 bits"
        case .byteLengthMismatch(let tensor, let expected, let actual):
            "tensor '\(tensor)': byte length \(actual) does not match its shape and dtype (\(expected) bytes)"
        case .misalignedOffset(let tensor, let offset):
            "tensor '\(tensor)': offset \(offset) is not a multiple of 64"
        case .offsetInsideHeader(let tensor, let offset):
            "tensor '\(tensor)': offset \(offset) is before the data section"
        case .offsetOutOfBounds(let tensor, let offset, let length):
            "tensor '\(tensor)': bytes \(offset) + \(length) are past the end of the file"
        case .overlappingTensors(let first, let second):
            "tensors '\(first)' and '\(second)' overlap"
        case .tensorChecksumMismatch(let tensor):
            "tensor '\(tensor)': checksum mismatch (the data is corrupt)"
        case .trailingHeaderBytes(let count):
            "\(count) unexpected bytes after the tensor table"
        case .missingTensor(let name):
            "no tensor named '\(name)'"
        case .missingKey(let key):
            "no configuration key '\(key)'"
        case .wrongValueType(let key, let expected, let found):
            "configuration key '\(key)' is \(found), expected \(expected)"
        case .invalidValue(let key, let detail):
            "configuration key '\(key)': \(detail)"
        case .unexpectedDType(let tensor, let expected, let found):
            "tensor '\(tensor)' is \(found), expected \(expected)"
        case .unexpectedShape(let tensor, let expected, let found):
            "tensor '\(tensor)' has shape \(found), expected \(expected)"
        }
    }
}
