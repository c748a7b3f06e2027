/// Float tensors as a weight container stores them (Spec/weights.md section 3): read from
/// little-endian `f32`, `f16` or `bf16` elements, widened exactly to float32; written back
/// rounded to nearest, ties to even (Spec/convert.md section 6).
extension DType {
    /// The float types a model's tensors may have.
    public static let floatTypes: [DType] = [.f32, .f16, .bf16]

    /// The first `count` elements of `raw`, of this float type, as float32. `raw` need not
    /// be aligned.
    package func floats(from raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { values, initialized in
            switch self {
            case .f16:
                for i in 0..<count {
                    values[i] = HalfPrecision.float(fromF16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bf16:
                for i in 0..<count {
                    values[i] = HalfPrecision.float(fromBF16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            default:
                for i in 0..<count {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            }
            initialized = count
        }
    }

    /// `values` as little-endian elements of this float type.
    package func bytes(of values: [Float]) -> [UInt8] {
        switch self {
        case .f16: littleEndianBytes(values.map(HalfPrecision.f16(from:)))
        case .bf16: littleEndianBytes(values.map(HalfPrecision.bf16(from:)))
        default: littleEndianBytes(values.map(\.bitPattern))
        }
    }
}
