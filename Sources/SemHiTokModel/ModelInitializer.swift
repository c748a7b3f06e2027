import SemHiTokFormats
import SemHiTokQuantization

/// Deterministic weights for any configuration (Spec/architecture.md section 7): every
/// element a function of the seed and the tensor's name, so that the same model can be
/// made anywhere without shipping its file.
public enum ModelInitializer {
    /// A weight container holding `configuration`'s keys and all its tensors for `seed`.
    public static func weights(for configuration: ModelConfiguration, seed: UInt64) -> WeightFileBuilder {
        var builder = WeightFileBuilder()
        builder.config = configuration.configValues
        for tensor in ModelTensors(configuration).all {
            builder.addFloat32(tensor.name, shape: tensor.shape, values(name: tensor.name, shape: tensor.shape, seed: seed))
        }
        return builder
    }

    /// The elements of tensor `name` with `shape`, row-major.
    static func values(name: String, shape: [Int], seed: UInt64) -> [Float] {
        let uniform = uniformValues(count: shape.reduce(1, *), key: fnv1a64(name) ^ seed)
        if name.hasSuffix("codebook") {
            let width = shape.last!
            return (0..<(uniform.count / width)).flatMap {
                ReferenceSearch.normalize(uniform[($0 * width)..<(($0 + 1) * width)])
            }
        }
        if name.hasSuffix(".bias") || name.hasSuffix("position_embedding.weight") || name.hasSuffix("pos_embed") {
            return uniform.map { $0 * Float(0.02) }
        }
        if shape.count == 1 {
            return uniform.map { 1 + $0 * Float(0.1) }
        }
        let fanIn = shape.dropFirst().reduce(1, *)
        let scale = Float(1 / Double(fanIn).squareRoot())
        return uniform.map { $0 * scale }
    }

    /// `w_k = (mix(key + (k + 1) * golden) >> 40) * 2^-23 - 1` for `k` in `0 ..< count`.
    static func uniformValues(count: Int, key: UInt64) -> [Float] {
        (0..<count).map { k in
            let random = mix(key &+ UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15)
            return Float(random >> 40) * 0x1p-23 - 1
        }
    }

    /// The output function of SplitMix64.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a, 64 bits, of the UTF-8 bytes of `text`.
    static func fnv1a64(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
