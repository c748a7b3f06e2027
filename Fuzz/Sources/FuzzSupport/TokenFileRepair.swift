import SemHiTok

/// Recomputes the checksums of a mutated token file (Spec/tokens.md section 1): the header
/// CRC-32C, each record's as far as the records parse, and the index block's. When the
/// records end at an "SHTI" tag whose block fills the rest of the file, the trailer's
/// record count and index offset are set to match it, so that the index can be valid.
public enum TokenFileRepair {
    public static func repair(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count >= 64 else { return }
        bytes.storeLittleEndian(CRC32C.checksum(bytes[bytes: 16..<64]), at: 12)
        var position = 64
        while bytes.count - position >= 16, bytes[bytes: position..<(position + 4)].elementsEqual("SHTR".utf8) {
            let height = Int(bytes.littleEndian(at: position + 4, as: UInt32.self))
            let width = Int(bytes.littleEndian(at: position + 8, as: UInt32.self))
            let keyLength = Int(bytes.littleEndian(at: position + 12, as: UInt32.self))
            guard (1...65_535).contains(height), (1...65_535).contains(width), keyLength <= 65_535 else { break }
            let size = 16 + keyLength + (4 - keyLength % 4) % 4 + 4 * height * width + 4
            guard size <= bytes.count - position else { break }
            bytes.storeLittleEndian(CRC32C.checksum(bytes[bytes: position..<(position + size - 4)]), at: position + size - 4)
            position += size
        }
        let indexLength = bytes.count - position
        if indexLength >= 32, indexLength % 8 == 0, bytes[bytes: position..<(position + 4)].elementsEqual("SHTI".utf8) {
            bytes.storeLittleEndian(UInt64((indexLength - 32) / 8), at: bytes.count - 24)
            bytes.storeLittleEndian(UInt64(position), at: bytes.count - 16)
        }
        guard bytes.count >= 64 + 32, bytes[bytes: (bytes.count - 4)..<bytes.count].elementsEqual("SHTE".utf8) else { return }
        let indexOffset = bytes.littleEndian(at: bytes.count - 16, as: UInt64.self)
        guard indexOffset <= UInt64(bytes.count - 8) else { return }
        bytes.storeLittleEndian(CRC32C.checksum(bytes[bytes: Int(indexOffset)..<(bytes.count - 8)]), at: bytes.count - 8)
    }
}
