/// The table-driven engine of a reflected 32-bit CRC (initial value and final XOR are the
/// caller's), eight bytes per step ("slice-by-8"): what `ReflectedCRC32` runs for each of
/// its polynomials.
public struct SlicedCRC32: Sendable {
    /// Eight 256-entry tables: table k gives the effect of a byte followed by k zero bytes.
    private let tables: [UInt32]

    /// The tables of the reflected `polynomial` (for example 0x82F63B78 for CRC-32C).
    init(reflectedPolynomial polynomial: UInt32) {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        self.tables = tables
    }

    /// The register after feeding `bytes` to it in state `state`.
    ///
    /// Optimized for size because for AVX2 and AVX-512 targets LLVM otherwise turns the eight
    /// table lookups into one gather, about four times slower than eight loads.
    @_optimize(size)
    func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = state
        var position = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { table in
            while count - position >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                    ^ UInt64(crc)
                crc = table[7 * 256 + Int(word & 0xFF)]
                    ^ table[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((word >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ table[3 * 256 + Int((word >> 32) & 0xFF)]
                    ^ table[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ table[1 * 256 + Int((word >> 48) & 0xFF)]
                    ^ table[Int(word >> 56)]
                position += 8
            }
            while position < count {
                crc = table[Int((crc ^ UInt32(bytes[position])) & 0xFF)] ^ (crc >> 8)
                position += 1
            }
        }
        return crc
    }
}
