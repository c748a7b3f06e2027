import SemHiTokFormats
import SemHiTokQuantization

/// Every architecture number of a SemHiTok model (Spec/architecture.md section 5), as
/// stored in its weight container's configuration.
public struct ModelConfiguration: Equatable, Sendable {
    /// The sizes of one stack of transformer blocks.
    public struct Stack: Equatable, Sendable {
        public var hiddenSize: Int
        public var numLayers: Int
        public var numHeads: Int
        public var layerNormEpsilon: Double

        public init(hiddenSize: Int, numLayers: Int, numHeads: Int, layerNormEpsilon: Double = 1e-6) {
            self.hiddenSize = hiddenSize
            self.numLayers = numLayers
            self.numHeads = numHeads
            self.layerNormEpsilon = layerNormEpsilon
        }
    }

    /// `model.config_name`.
    public var name: String
    /// `image.size`, `S`: SigLIP's square input size.
    public var imageSize: Int
    /// `image.mean`, `image.std`: per-channel normalisation.
    public var mean: [Double] = [0.5, 0.5, 0.5]
    public var std: [Double] = [0.5, 0.5, 0.5]
    /// `siglip.patch_size`, `P`.
    public var siglipPatchSize: Int
    /// `siglip.hidden_size`, `.num_layers`, `.num_heads`, `.layer_norm_eps`.
    public var siglip: Stack
    /// `siglip.intermediate_size`, `I`.
    public var siglipIntermediateSize: Int
    /// `siglip.post_layernorm`.
    public var siglipPostLayerNorm: Bool
    /// `semantic.projection_dim`, `D_p`.
    public var semanticProjectionSize: Int
    /// `semantic.code_dim`, `D_q`.
    public var semanticCodeSize: Int
    /// `semantic.codebook_size`, `K`.
    public var semanticCodebookSize: Int
    /// `semantic.metric`.
    public var semanticMetric: Metric = .cosine
    /// `semantic_decoder.*`.
    public var semanticDecoder: Stack
    /// `pixel.patch_size`, `P_pix`.
    public var pixelPatchSize: Int
    /// `pixel.code_dim`, `d`.
    public var pixelCodeSize: Int
    /// `pixel.codebook_size`, `m`.
    public var pixelCodebookSize: Int
    /// `pixel.metric`.
    public var pixelMetric: Metric = .cosine
    /// `pixel_encoder.*`.
    public var pixelEncoder: Stack
    /// `pixel_decoder.*`.
    public var pixelDecoder: Stack

    /// `G = S / P`: patches per side at the native resolution.
    public var gridSize: Int { patchesPerSide(resolution: imageSize) }
    /// `G²`: patches at the native resolution, the rows of every position embedding.
    public var patchCount: Int { gridSize * gridSize }
    /// `S_pix = G * P_pix`: the pixel branch's square input and output size at the native
    /// resolution.
    public var pixelImageSize: Int { pixelImageSize(gridSide: gridSize) }
    /// `K * m`: the number of token ids.
    public var vocabularySize: Int { semanticCodebookSize * pixelCodebookSize }

    /// Patches per side of the square grid of an input of `resolution` x `resolution`
    /// pixels, the native `S` when nil: `floor(resolution / P)` (Spec/architecture.md
    /// section 1). Refuses a resolution below one patch.
    public func gridSide(resolution: Int? = nil) throws(ModelError) -> Int {
        let size = resolution ?? imageSize
        guard size >= siglipPatchSize else { throw .invalidResolution(size, patchSize: siglipPatchSize) }
        return patchesPerSide(resolution: size)
    }

    /// The pixel branch's square input and output size for a grid of `gridSide` patches a
    /// side: the grids of both branches must match, so the pixel encoder reads the image at
    /// `gridSide * P_pix` (Spec/architecture.md section 3.4).
    public func pixelImageSize(gridSide: Int) -> Int {
        gridSide * pixelPatchSize
    }

    private func patchesPerSide(resolution: Int) -> Int {
        resolution / siglipPatchSize
    }
}

extension ModelConfiguration {
    /// Reads and validates the configuration keys of `file` (Spec/architecture.md section 5).
    public init(_ file: WeightFile) throws {
        func size(_ key: String) throws -> Int {
            let value = try file.int(key)
            guard (1...(1 << 24)).contains(value) else {
                throw file.error(.invalidValue(key: key, detail: "\(value) is not a size from 1 to 2^24"))
            }
            return Int(value)
        }
        func stack(_ prefix: String) throws -> Stack {
            Stack(hiddenSize: try size(prefix + ".hidden_size"), numLayers: Int(try file.int(prefix + ".num_layers")),
                  numHeads: try size(prefix + ".num_heads"), layerNormEpsilon: try file.real(prefix + ".layer_norm_eps"))
        }
        func metric(_ key: String) throws -> Metric {
            let name = try file.string(key)
            guard let metric = Metric(rawValue: name) else {
                throw file.error(.invalidValue(key: key, detail: "'\(name)' is neither cosine nor euclidean"))
            }
            return metric
        }
        guard try file.string("model.architecture") == "semhitok" else {
            throw file.error(.invalidValue(key: "model.architecture", detail: "not a SemHiTok model"))
        }
        self.init(
            name: try file.string("model.config_name"), imageSize: try size("image.size"),
            mean: try file.realArray("image.mean"), std: try file.realArray("image.std"),
            siglipPatchSize: try size("siglip.patch_size"),
            siglip: try stack("siglip"),
            siglipIntermediateSize: try size("siglip.intermediate_size"),
            siglipPostLayerNorm: try file.int("siglip.post_layernorm") != 0,
            semanticProjectionSize: try size("semantic.projection_dim"), semanticCodeSize: try size("semantic.code_dim"),
            semanticCodebookSize: try size("semantic.codebook_size"), semanticMetric: try metric("semantic.metric"),
            semanticDecoder: try stack("semantic_decoder"), pixelPatchSize: try size("pixel.patch_size"),
            pixelCodeSize: try size("pixel.code_dim"), pixelCodebookSize: try size("pixel.codebook_size"),
            pixelMetric: try metric("pixel.metric"), pixelEncoder: try stack("pixel_encoder"),
            pixelDecoder: try stack("pixel_decoder"))
        if let problem = problem() { throw file.error(.invalidValue(key: "model configuration", detail: problem)) }
        let storedPixelSize = try file.int("pixel.image_size")
        guard storedPixelSize == pixelImageSize else {
            throw file.error(.invalidValue(key: "pixel.image_size", detail: "\(storedPixelSize) is not G * P_pix = \(pixelImageSize)"))
        }
    }

    /// What makes these numbers inconsistent (Spec/architecture.md section 5), or nil.
    public func problem() -> String? {
        if imageSize < siglipPatchSize { return "image.size \(imageSize) is smaller than siglip.patch_size \(siglipPatchSize)" }
        if mean.count != 3 || std.count != 3 { return "image.mean and image.std need three values" }
        for (name, stack) in [("siglip", siglip), ("semantic_decoder", semanticDecoder),
                              ("pixel_encoder", pixelEncoder), ("pixel_decoder", pixelDecoder)] {
            if stack.hiddenSize % stack.numHeads != 0 { return "\(name).hidden_size is not a multiple of \(name).num_heads" }
            if stack.numLayers < 0 || stack.numLayers > 1024 { return "\(name).num_layers \(stack.numLayers) is not 0 to 1024" }
            if !(stack.layerNormEpsilon > 0) { return "\(name).layer_norm_eps must be positive" }
        }
        if semanticCodebookSize * pixelCodebookSize > Int(Int32.max) { return "K * m is above 2^31 - 1" }
        return nil
    }

    /// The configuration keys and values to store (Spec/architecture.md section 5).
    public var configValues: [String: ConfigValue] {
        var values: [String: ConfigValue] = [
            "model.architecture": .string("semhitok"), "model.config_name": .string(name),
            "image.size": .int(Int64(imageSize)), "image.mean": .reals(mean), "image.std": .reals(std),
            "siglip.patch_size": .int(Int64(siglipPatchSize)), "siglip.intermediate_size": .int(Int64(siglipIntermediateSize)),
            "siglip.post_layernorm": .int(siglipPostLayerNorm ? 1 : 0),
            "semantic.projection_dim": .int(Int64(semanticProjectionSize)), "semantic.code_dim": .int(Int64(semanticCodeSize)),
            "semantic.codebook_size": .int(Int64(semanticCodebookSize)), "semantic.metric": .string(semanticMetric.rawValue),
            "pixel.patch_size": .int(Int64(pixelPatchSize)), "pixel.image_size": .int(Int64(pixelImageSize)),
            "pixel.code_dim": .int(Int64(pixelCodeSize)), "pixel.codebook_size": .int(Int64(pixelCodebookSize)),
            "pixel.metric": .string(pixelMetric.rawValue),
        ]
        for (prefix, stack) in [("siglip", siglip), ("semantic_decoder", semanticDecoder),
                                ("pixel_encoder", pixelEncoder), ("pixel_decoder", pixelDecoder)] {
            values[prefix + ".hidden_size"] = .int(Int64(stack.hiddenSize))
            values[prefix + ".num_layers"] = .int(Int64(stack.numLayers))
            values[prefix + ".num_heads"] = .int(Int64(stack.numHeads))
            values[prefix + ".layer_norm_eps"] = .real(stack.layerNormEpsilon)
        }
        return values
    }
}
