import SemHiTok

/// Recomputes the checksums of a mutated weight container (Spec/weights.md sections 2 and
/// 3): each tensor's CRC-32C over the bytes its table entry points at, the file length,
/// then the header CRC-32C, which covers the tensor CRCs and the file length. The header
/// is walked as far as its fields make sense; tensors after that keep their CRCs.
public enum WeightContainerRepair {
    public static func repair(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count >= 32 else { return }
        let headerLength = bytes.littleEndian(at: 16, as: UInt64.self)
        guard headerLength <= UInt64(bytes.count - 32) else { return }
        let headerEnd = 32 + Int(headerLength)
        for tensor in tensorEntries(bytes, headerEnd: headerEnd) {
            let (end, overflow) = tensor.offset.addingReportingOverflow(tensor.byteLength)
            guard !overflow, end <= UInt64(bytes.count) else { continue }
            bytes.storeLittleEndian(CRC32C.checksum(bytes[bytes: Int(tensor.offset)..<Int(end)]), at: tensor.checksumPosition)
        }
        bytes.storeLittleEndian(UInt64(bytes.count), at: 24)
        bytes.storeLittleEndian(CRC32C.checksum(bytes[bytes: 16..<headerEnd]), at: 12)
    }

    private struct TensorEntry {
        var offset: UInt64
        var byteLength: UInt64
        var checksumPosition: Int
    }

    /// The tensor table entries whose fields lie before `headerEnd`.
    private static func tensorEntries(_ bytes: UnsafeMutableRawBufferPointer, headerEnd: Int) -> [TensorEntry] {
        var cursor = Cursor(bytes: bytes, position: 32, end: headerEnd)
        guard let configCount = cursor.read(UInt32.self) else { return [] }
        for _ in 0..<configCount {
            guard let keyLength = cursor.read(UInt16.self), cursor.skip(Int(keyLength)),
                  let type = cursor.read(UInt8.self) else { return [] }
            switch type {
            case 1, 2: guard cursor.skip(8) else { return [] }
            case 3: guard let count = cursor.read(UInt32.self), cursor.skip(Int(count)) else { return [] }
            case 4, 5: guard let count = cursor.read(UInt32.self), cursor.skip(8 * Int(count)) else { return [] }
            default: return []
            }
        }
        var entries: [TensorEntry] = []
        guard let tensorCount = cursor.read(UInt32.self) else { return [] }
        for _ in 0..<tensorCount {
            guard let nameLength = cursor.read(UInt16.self), cursor.skip(Int(nameLength)), cursor.skip(1),
                  let rank = cursor.read(UInt8.self), cursor.skip(8 * Int(rank)),
                  let offset = cursor.read(UInt64.self), let byteLength = cursor.read(UInt64.self) else { break }
            let checksumPosition = cursor.position
            guard cursor.skip(4) else { break }
            entries.append(TensorEntry(offset: offset, byteLength: byteLength, checksumPosition: checksumPosition))
        }
        return entries
    }

    /// Reads little-endian fields up to `end`.
    private struct Cursor {
        let bytes: UnsafeMutableRawBufferPointer
        var position: Int
        let end: Int

        mutating func skip(_ count: Int) -> Bool {
            guard count <= end - position else { return false }
            position += count
            return true
        }

        mutating func read<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            let start = position
            guard skip(MemoryLayout<T>.size) else { return nil }
            return bytes.littleEndian(at: start, as: T.self)
        }
    }
}
