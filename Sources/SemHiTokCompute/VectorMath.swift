/// The model's elementary functions in float32 on 16 lanes at a time, in pure Swift
/// (Spec/architecture.md section 2.1), so that results are the same on every platform
/// whatever its libm. Each is within 3 ulp of the exactly rounded result (the tests measure
/// it against the platform's double-precision functions); multiplies and adds stay separate
/// operations, so a build for any CPU gives the same bits.
enum VectorMath {
    typealias Lanes = SIMD16<Float>

    private static let log2e: Float = 1.44269502          // 0x3FB8AA3B
    private static let shifter: Float = 12_582_912        // 1.5 * 2^23: adding it rounds to an integer
    private static let ln2High: Float = 0.693359375       // 0x3F318000, 9 significant bits
    private static let ln2Low: Float = -2.12194440e-4     // 0xB95E8083, ln 2 - ln2High
    /// `1 / k!` for k = 2 ... 8, the Taylor coefficients of `e^r`.
    private static let inverseFactorials: [Float] = [0.5, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320]

    /// `e^x`: `x = n ln 2 + r` with `|r| <= ln 2 / 2`, `e^r` by its Taylor polynomial of
    /// degree 7, scaled by `2^n` in two steps so that results in the subnormal range are
    /// rounded once. Below -104 gives +0, above 89 gives +infinity.
    static func exp(_ x: Lanes) -> Lanes {
        let clamped = clamp(x, -104, 89)
        let (n, r) = reduce(clamped)
        var p = Lanes(repeating: inverseFactorials[5])
        for k in stride(from: 4, through: 0, by: -1) { p = p * r + Lanes(repeating: inverseFactorials[k]) }
        p = (p * r + Lanes(repeating: 1)) * r + Lanes(repeating: 1)
        let half = n &>> 1
        return keepingNaN(x, p * powerOfTwo(half) * powerOfTwo(n &- half))
    }

    /// `tanh x = sign(x) e / (e + 2)` with `e = e^(2|x|) - 1` computed without cancellation:
    /// `2|x| = n ln 2 + r`, `e = 2^n q + (2^n - 1)` with `q = e^r - 1` by its Taylor
    /// polynomial of degree 8. `|x|` is first clamped to 10, where tanh rounds to 1.
    static func tanh(_ x: Lanes) -> Lanes {
        let doubled = 2 * clamp(magnitude(x), 0, 10)
        let (n, r) = reduce(doubled)
        var q = Lanes(repeating: inverseFactorials[6])
        for k in stride(from: 5, through: 0, by: -1) { q = q * r + Lanes(repeating: inverseFactorials[k]) }
        q = (q * r + Lanes(repeating: 1)) * r
        let scale = powerOfTwo(n)
        let e = q * scale + (scale - 1)
        return keepingNaN(x, withSign(of: x, e / (e + 2)))
    }

    /// The Maclaurin coefficients of `erf x / x` in `x^2`: `2 / sqrt(pi) (-1)^n / (n! (2n + 1))`.
    private static let erfSmall: [Float] = [
        1.12837923, -0.376126379, 0.112837918, -0.0268661715, 0.00522397785, -8.54832702e-4, 1.20553326e-4,
        -1.49256502e-5, 1.64621144e-6,
    ]
    /// `erfc(x) e^(x^2)` on [0.75, 4] as a polynomial in `s = (x - 2.375) / 1.625`
    /// (`tools/make_erf_coefficients.py`).
    private static let erfLarge: [Float] = [
        0.220505700, -0.131587759, 0.0744259357, -0.0401594453, 0.0207761172, -0.0103298631, 0.00496614026,
        -0.00237131817, 0.00107666210, -3.77011689e-4, 1.58289753e-4, -1.43692188e-4, 5.97166327e-5,
    ]

    /// `erf x`: for `|x| < 0.75`, `x` times the Maclaurin polynomial of degree 8 in `x^2`;
    /// otherwise `1 - e^(-x^2) g(s)` with `|x|` clamped to 4 (where erf rounds to 1).
    static func erf(_ x: Lanes) -> Lanes {
        let a = magnitude(x)
        let squared = a * a
        var small = Lanes(repeating: erfSmall[8])
        for k in stride(from: 7, through: 0, by: -1) { small = small * squared + Lanes(repeating: erfSmall[k]) }
        small = small * a

        let clamped = clamp(a, 0.75, 4)
        let s = (clamped - 2.375) * 0.615384638  // 0x3F1D89D9, 1 / 1.625 rounded
        var g = Lanes(repeating: erfLarge[12])
        for k in stride(from: 11, through: 0, by: -1) { g = g * s + Lanes(repeating: erfLarge[k]) }
        let large = 1 - exp(-(clamped * clamped)) * g

        return keepingNaN(x, withSign(of: x, small.replacing(with: large, where: a .>= 0.75)))
    }

    /// `x = n ln 2 + r`: `n = round(x log2 e)` (to nearest, ties to even, for `|x| < 2^21`)
    /// and `r = (x - n ln2High) - n ln2Low`, where `n ln2High` is exact.
    @inline(__always)
    private static func reduce(_ x: Lanes) -> (n: SIMD16<Int32>, r: Lanes) {
        let biased = x * log2e + shifter
        let rounded = biased - shifter
        let n = unsafeBitCast(biased, to: SIMD16<Int32>.self) &- 0x4B40_0000
        return (n, (x - rounded * ln2High) - rounded * ln2Low)
    }

    /// `2^n` for `-126 <= n <= 127`, built from its bits.
    @inline(__always)
    private static func powerOfTwo(_ n: SIMD16<Int32>) -> Lanes {
        unsafeBitCast((n &+ 127) &<< 23, to: Lanes.self)
    }

    /// `x` limited to `[low, high]`, NaN kept. Comparisons and blends rather than the
    /// standard library's `clamped(lowerBound:upperBound:)`, which checks its bounds and
    /// runs lane by lane.
    @inline(__always)
    private static func clamp(_ x: Lanes, _ low: Float, _ high: Float) -> Lanes {
        let low = Lanes(repeating: low), high = Lanes(repeating: high)
        return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    @inline(__always)
    private static func magnitude(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
    }

    /// `value` with the sign bit of `x` (`value` is non-negative).
    @inline(__always)
    private static func withSign(of x: Lanes, _ value: Lanes) -> Lanes {
        let sign = unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(value, to: SIMD16<UInt32>.self) | sign, to: Lanes.self)
    }

    /// `result`, with `x` wherever `x` is NaN (clamping would otherwise lose it).
    @inline(__always)
    private static func keepingNaN(_ x: Lanes, _ result: Lanes) -> Lanes {
        result.replacing(with: x, where: x .!= x)
    }
}
