import SemHiTokSupport

/// The index block that ends a finished token file (Spec/tokens.md section 1.3): the
/// offset of every record, so record n is found without a scan.
enum TokenFileIndex {
    static let tag: [UInt8] = Array("SHTI".utf8)
    static let endTag: [UInt8] = Array("SHTE".utf8)
    /// Record count, index offset, CRC and end tag.
    static let trailerLength = 24

    /// The index block for records at `offsets`, placed at `indexOffset`.
    static func encoded(offsets: [Int], indexOffset: Int) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(tag)
        writer.u32(0)
        offsets.forEach { writer.u64(UInt64($0)) }
        writer.u64(UInt64(offsets.count))
        writer.u64(UInt64(indexOffset))
        let checksum = writer.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        writer.u32(checksum)
        writer.append(endTag)
        return writer.bytes
    }

    /// The record offsets and the index's own offset, if `file` ends with a valid index
    /// block (Spec/tokens.md section 2.2, step 2); nil otherwise.
    static func read(_ file: UnsafeRawBufferPointer) -> (offsets: [Int], indexOffset: Int)? {
        let size = file.count
        let headerLength = TokenFileHeader.length
        guard size >= headerLength + 8 + trailerLength,
              file[(size - 4)...].elementsEqual(endTag) else { return nil }
        let trailer = size - trailerLength
        let count = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: trailer, as: UInt64.self))
        let indexOffset = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: trailer + 8, as: UInt64.self))
        // Both are bounded by the file size before any arithmetic, so nothing overflows.
        guard count <= UInt64(size / 8), indexOffset >= UInt64(headerLength), indexOffset <= UInt64(size),
              indexOffset + 8 + 8 * count + UInt64(trailerLength) == UInt64(size) else { return nil }
        let start = Int(indexOffset)
        guard file[start..<(start + 4)].elementsEqual(tag),
              file[(start + 4)..<(start + 8)].allSatisfy({ $0 == 0 }) else { return nil }
        let stored = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: size - 8, as: UInt32.self))
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[start..<(size - 8)])) == stored else { return nil }
        var offsets: [Int] = []
        offsets.reserveCapacity(Int(count))
        for k in 0..<Int(count) {
            let offset = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: start + 8 + 8 * k, as: UInt64.self))
            guard offset < indexOffset, offsets.last.map({ offset > UInt64($0) }) ?? true else { return nil }
            offsets.append(Int(offset))
        }
        guard offsets.first.map({ $0 == headerLength }) ?? (start == headerLength) else { return nil }
        return (offsets, start)
    }
}
