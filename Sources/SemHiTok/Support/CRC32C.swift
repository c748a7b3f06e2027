/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR
/// 0xFFFFFFFF. The checksum of both file formats (Spec/weights.md section 1).
///
/// Table-driven, eight bytes per step (`SlicedCRC32`), so verifying a weight file costs a
/// fraction of a second per gigabyte.
public struct CRC32C: Sendable {
    private var state: UInt32 = 0xFFFF_FFFF

    /// A checksum of no bytes yet.
    public init() {}

    /// The CRC-32C of everything passed to `update` so far.
    public var checksum: UInt32 { state ^ 0xFFFF_FFFF }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.checksum
    }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Extends the checksum with `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = Self.engine.update(state, bytes)
    }

    private static let engine = SlicedCRC32(reflectedPolynomial: 0x82F6_3B78)
}
