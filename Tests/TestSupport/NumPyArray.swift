import Foundation

/// A little-endian float32 or int32 array read from a NumPy `.npy` file (format 1.0, C
/// order), as NumPy's `np.save` writes the golden expectations.
public struct NumPyArray {
    public let shape: [Int]
    /// The elements as float32 (`<f4`) or their int32 values converted (`<i4`), row-major.
    public let values: [Float]
    /// The elements of an `<i4` array, row-major; empty for `<f4`.
    public let integers: [Int32]

    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the `.npy` file at `path`.
    public init(contentsOf path: String) throws {
        let bytes = try readBytes(path)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8), bytes[6] == 1 else {
            throw FormatError(description: "\(path): not a version 1 .npy file")
        }
        let dataStart = 10 + Int(bytes.littleEndian(at: 8, as: UInt16.self))
        let header = String(decoding: bytes[10..<dataStart], as: UTF8.self)
        guard header.contains("'fortran_order': False"), let open = header.firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")") else {
            throw FormatError(description: "\(path): not a C-order array")
        }
        shape = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        guard bytes.count == dataStart + 4 * count else { throw FormatError(description: "\(path): \(bytes.count) bytes") }
        let words = (0..<count).map { bytes.littleEndian(at: dataStart + 4 * $0, as: UInt32.self) }
        if header.contains("'descr': '<f4'") {
            values = words.map(Float.init(bitPattern:))
            integers = []
        } else if header.contains("'descr': '<i4'") {
            integers = words.map { Int32(bitPattern: $0) }
            values = integers.map(Float.init)
        } else {
            throw FormatError(description: "\(path): neither <f4 nor <i4")
        }
    }
}

/// The normalised error of Spec/conformance.md section 5: `max |a - e| / max |e|`.
public func normalisedError(_ actual: [Float], _ expected: [Float]) -> Double {
    let largest = expected.map { Double(abs($0)) }.max() ?? 0
    let difference = zip(actual, expected).map { Double(abs($0 - $1)) }.max() ?? 0
    return largest == 0 ? difference : difference / largest
}
