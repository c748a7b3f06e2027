/// A reflected 32-bit CRC with initial value and final XOR 0xFFFFFFFF, eight bytes per step
/// (`SlicedCRC32`). The package uses two members of this family, which differ only in their
/// polynomial:
/// - `CRC32C` (Castagnoli, 0x82F63B78): the checksum of both file formats
///   (Spec/weights.md section 1); verifying a weight file costs a fraction of a second per
///   gigabyte.
/// - `CRC32` (ISO 3309 / ITU-T V.42, 0xEDB88320, as PNG and gzip define it): every PNG chunk
///   carries one over its type and data (Spec/png.md section 2).
public struct ReflectedCRC32<Polynomial: CRC32Polynomial>: Sendable {
    private var state: UInt32 = 0xFFFF_FFFF

    /// A checksum of no bytes yet.
    public init() {}

    /// The checksum of everything passed to `update` so far.
    public var checksum: UInt32 { state ^ 0xFFFF_FFFF }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = Self()
        crc.update(bytes)
        return crc.checksum
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Extends the checksum with `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = Polynomial.engine.update(state, bytes)
    }
}

/// A reflected CRC-32 polynomial, as the tables of its engine.
public protocol CRC32Polynomial: Sendable {
    static var engine: SlicedCRC32 { get }
}

/// CRC-32C's polynomial (Castagnoli), reflected: 0x82F63B78.
public enum CastagnoliPolynomial: CRC32Polynomial {
    public static let engine = SlicedCRC32(reflectedPolynomial: 0x82F6_3B78)
}

/// PNG's and gzip's CRC-32 polynomial (ISO 3309), reflected: 0xEDB88320.
public enum ISO3309Polynomial: CRC32Polynomial {
    public static let engine = SlicedCRC32(reflectedPolynomial: 0xEDB8_8320)
}

/// CRC-32C, the checksum of the package's file formats.
public typealias CRC32C = ReflectedCRC32<CastagnoliPolynomial>

/// CRC-32 as PNG and zlib's gzip define it.
public typealias CRC32 = ReflectedCRC32<ISO3309Polynomial>
