import SemHiTokSupport

/// One entry of a weight container's tensor table (Spec/weights.md section 3): where a
/// tensor's bytes are and what they hold.
public struct TensorInfo: Equatable, Sendable {
    /// The tensor's name, e.g. `codebook`.
    public let name: String
    /// The element type.
    public let dtype: DType
    /// Dimensions, outermost first; empty for a scalar.
    public let shape: [Int]
    /// Absolute file offset of the first byte; a multiple of 64.
    public let offset: Int
    /// Number of data bytes: the product of `shape` times `dtype.elementSize`.
    public let byteLength: Int
    /// CRC-32C of the data bytes, as stored.
    public let checksum: UInt32

    /// The number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The rules for configuration keys and tensor names (Spec/weights.md section 1).
enum WeightName {
    static let maximumLength = 256

    /// Whether `bytes` form a valid name: 1 to 256 bytes, each printable ASCII without space.
    static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// `bytes` shown safely in a message: printable ASCII as it is, anything else as `\xNN`.
    static func escaped<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        "'" + bytes.map { (0x20...0x7E).contains($0) ? String(UnicodeScalar($0)) : "\\x" + Hexadecimal.digits([$0]) }.joined() + "'"
    }
}
