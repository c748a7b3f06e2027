import SemHiTokFormats

/// The numbers of the SigLIP vision tower and of its input (Spec/architecture.md section
/// 5: `image.*` and `siglip.*`): everything a SigLIP-only container holds
/// (Spec/convert.md section 5) and the semantic teacher of a SemHiTok model.
public struct SiglipConfiguration: Equatable, Sendable {
    /// `image.size`, `S`: the square input size.
    public var imageSize: Int
    /// `image.mean`, `image.std`: per-channel normalisation.
    public var mean: [Double] = [0.5, 0.5, 0.5]
    public var std: [Double] = [0.5, 0.5, 0.5]
    /// `siglip.patch_size`, `P`.
    public var patchSize: Int
    /// `siglip.hidden_size`, `.num_layers`, `.num_heads`, `.layer_norm_eps`.
    public var stack: ModelConfiguration.Stack
    /// `siglip.intermediate_size`, `I`.
    public var intermediateSize: Int
    /// `siglip.post_layernorm`: whether the features go through `post_layernorm`.
    public var postLayerNorm: Bool

    public init(imageSize: Int, mean: [Double] = [0.5, 0.5, 0.5], std: [Double] = [0.5, 0.5, 0.5], patchSize: Int,
                stack: ModelConfiguration.Stack, intermediateSize: Int, postLayerNorm: Bool) {
        self.imageSize = imageSize
        self.mean = mean
        self.std = std
        self.patchSize = patchSize
        self.stack = stack
        self.intermediateSize = intermediateSize
        self.postLayerNorm = postLayerNorm
    }

    /// `G = S / P`: patches per side at the native resolution.
    public var gridSize: Int { patchesPerSide(resolution: imageSize) }
    /// `G²`: patches at the native resolution, the rows of every position embedding.
    public var patchCount: Int { gridSize * gridSize }

    /// Patches per side of the square grid of an input of `resolution` x `resolution`
    /// pixels, the native `S` when nil: `floor(resolution / P)` (Spec/architecture.md
    /// section 1). Refuses a resolution below one patch.
    public func gridSide(resolution: Int? = nil) throws(ModelError) -> Int {
        let size = resolution ?? imageSize
        guard size >= patchSize else { throw .invalidResolution(size, patchSize: patchSize) }
        return patchesPerSide(resolution: size)
    }

    private func patchesPerSide(resolution: Int) -> Int {
        resolution / patchSize
    }

    /// What makes these numbers inconsistent (Spec/architecture.md section 5), or nil.
    public func problem() -> String? {
        if imageSize < patchSize { return "image.size \(imageSize) is smaller than siglip.patch_size \(patchSize)" }
        if mean.count != 3 || std.count != 3 { return "image.mean and image.std need three values" }
        return stack.problem(prefix: "siglip")
    }

    /// The configuration keys and values to store (Spec/architecture.md section 5).
    public var configValues: [String: ConfigValue] {
        stack.configValues(prefix: "siglip").merging([
            "image.size": .int(Int64(imageSize)), "image.mean": .reals(mean), "image.std": .reals(std),
            "siglip.patch_size": .int(Int64(patchSize)), "siglip.intermediate_size": .int(Int64(intermediateSize)),
            "siglip.post_layernorm": .int(postLayerNorm ? 1 : 0),
        ]) { first, _ in first }
    }
}

extension SiglipConfiguration {
    /// Reads and validates the `image.*` and `siglip.*` keys of `file`.
    public init(_ file: some ConfigurationEntries) throws {
        self.init(imageSize: try file.size("image.size"), mean: try file.realArray("image.mean"),
                  std: try file.realArray("image.std"), patchSize: try file.size("siglip.patch_size"),
                  stack: try file.stack("siglip"), intermediateSize: try file.size("siglip.intermediate_size"),
                  postLayerNorm: try file.flag("siglip.post_layernorm"))
        if let problem = problem() { throw file.error(.invalidValue(key: "siglip configuration", detail: problem)) }
    }
}
