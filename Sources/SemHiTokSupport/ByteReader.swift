/// A little-endian cursor over untrusted bytes that never reads past its end: every read
/// first checks that the bytes are there, and reports the field it was reading when not.
package struct ByteReader {
    /// Thrown when a read would pass the end; `field` names what was being read.
    package struct OutOfBytes: Error {
        package let field: String
    }

    package let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    package init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    package var remaining: Int { bytes.count - position }

    package mutating func u8(_ field: String) throws -> UInt8 { try integer(field) }
    package mutating func u16(_ field: String) throws -> UInt16 { try integer(field) }
    package mutating func u32(_ field: String) throws -> UInt32 { try integer(field) }
    package mutating func u64(_ field: String) throws -> UInt64 { try integer(field) }
    package mutating func i64(_ field: String) throws -> Int64 { try integer(field) }
    package mutating func f64(_ field: String) throws -> Double { Double(bitPattern: try integer(field)) }

    /// The next `count` bytes, without copying.
    package mutating func bytes(_ count: Int, _ field: String) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw OutOfBytes(field: field) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return slice
    }

    /// Checks that `count` items of `size` bytes each could still be read, so that a count
    /// from the file is never trusted for an allocation before the bytes exist.
    package func requireRoom(count: UInt64, size: Int, _ field: String) throws {
        let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(size))
        guard !overflow, total <= UInt64(remaining) else { throw OutOfBytes(field: field) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ field: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw OutOfBytes(field: field) }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        position += size
        return value
    }
}
