import SemHiTokSupport

/// Writes float32 arrays in NumPy's `.npy` format, version 1.0: the magic `\x93NUMPY`,
/// the version bytes 1 and 0, a little-endian u16 header length, an ASCII header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (...), }` padded with spaces and a
/// final newline so that the data starts at a multiple of 64, then the values, C order.
public enum NPYWriter {
    /// The bytes of a `.npy` file holding `values` with `shape` (whose product is `values.count`).
    public static func encode(_ values: [Float], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "NPYWriter: shape does not match the values")
        let dimensions = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        bytes += littleEndianBytes(values.map(\.bitPattern))
        return bytes
    }

    /// Writes `values` with `shape` to `path` through a temporary file renamed into place.
    public static func write(_ values: [Float], shape: [Int], to path: String) throws {
        try AtomicOutputFile.write(encode(values, shape: shape), to: path)
    }
}
