/// Little-endian byte helpers for building and patching test files by hand.
public extension Array where Element == UInt8 {
    /// Appends `value`'s little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Overwrites the bytes at `offset` with `value`'s little-endian bytes.
    mutating func setLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }

    /// The little-endian value of type `T` at `offset`.
    func littleEndian<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T {
        var value: T = 0
        Swift.withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: self[offset..<(offset + MemoryLayout<T>.size)]) }
        return T(littleEndian: value)
    }
}
