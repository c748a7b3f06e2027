/// CRC-32 as PNG and zlib's gzip define it (ISO 3309 / ITU-T V.42): reflected polynomial
/// 0xEDB88320, initial value and final XOR 0xFFFFFFFF. Every PNG chunk carries one over its
/// type and data (Spec/png.md section 2). Not to be confused with `CRC32C`, the checksum of
/// the project's own file formats.
///
/// Table-driven, eight bytes per step (`SlicedCRC32`).
public struct CRC32: Sendable {
    private var state: UInt32 = 0xFFFF_FFFF

    /// A checksum of no bytes yet.
    public init() {}

    /// The CRC-32 of everything passed to `update` so far.
    public var checksum: UInt32 { state ^ 0xFFFF_FFFF }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.checksum
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Extends the checksum with `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = Self.engine.update(state, bytes)
    }

    private static let engine = SlicedCRC32(reflectedPolynomial: 0xEDB8_8320)
}
