/// Exact widening of the two 16-bit float formats a weight container may hold
/// (Spec/weights.md section 3), and rounding to them (Spec/convert.md section 6). Written out
/// rather than using `Float16`, which some platforms (macOS on Intel) do not provide.
package enum HalfPrecision {
    /// The float32 equal to the IEEE 754 binary16 with bit pattern `bits` (every binary16,
    /// subnormals, infinities and NaNs included, is exactly representable).
    package static func float(fromF16 bits: UInt16) -> Float {
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
    package static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The binary16 nearest to `value`, ties to even; beyond the largest finite binary16
    /// (65504) by half an ulp or more, infinity; a NaN stays a NaN (quiet, its sign and top
    /// payload bits kept).
    package static func f16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | UInt16(truncatingIfNeeded: mantissa >> 13))
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 31 { return sign | 0x7C00 }
        // The significand with its leading one, and how far it shifts right to become
        // binary16's: 13 bits for a normal result, more below binary16's normal range.
        let significand = exponent == 0 ? mantissa : mantissa | 0x80_0000
        let shift = halfExponent >= 1 ? 13 : 14 - halfExponent
        if shift > 24 { return sign }
        var half = UInt32(halfExponent >= 1 ? halfExponent << 10 : 0) + (significand >> UInt32(shift))
        if halfExponent >= 1 { half -= 0x400 }
        let remainder = significand & ((1 << UInt32(shift)) - 1)
        let halfway = UInt32(1) << UInt32(shift - 1)
        if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// The bfloat16 nearest to `value`, ties to even; a NaN stays a NaN (quiet, its sign and
    /// top payload bits kept).
    package static func bf16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        let roundingBias = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }
}
