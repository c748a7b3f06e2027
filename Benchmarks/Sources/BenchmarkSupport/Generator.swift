/// A seeded generator (SplitMix64) of floats in [-1, 1), so every run of a benchmark
/// measures the same data.
public struct Generator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24) * 2 - 1
    }
}
