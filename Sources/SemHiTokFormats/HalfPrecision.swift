/// Exact widening of the two 16-bit float formats a weight container may hold
/// (Spec/weights.md section 3). Written out rather than using `Float16`, which some
/// platforms (macOS on Intel) do not provide.
enum HalfPrecision {
    /// The float32 equal to the IEEE 754 binary16 with bit pattern `bits` (every binary16,
    /// subnormals, infinities and NaNs included, is exactly representable).
    static func float(fromF16 bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Subnormal or zero: mantissa * 2^-24, exact in float32.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }

    /// The float32 whose high 16 bits are `bits` (bfloat16 is a truncated float32).
    static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
