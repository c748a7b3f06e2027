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

        /// What makes the stack `prefix.*` inconsistent, or nil.
        func problem(prefix: String) -> String? {
            if hiddenSize % numHeads != 0 { return "\(prefix).hidden_size is not a multiple of \(prefix).num_heads" }
            if numLayers < 0 || numLayers > 1024 { return "\(prefix).num_layers \(numLayers) is not 0 to 1024" }
            if !(layerNormEpsilon > 0) { return "\(prefix).layer_norm_eps must be positive" }
            return nil
        }

        /// The keys `prefix.hidden_size`, `.num_layers`, `.num_heads`, `.layer_norm_eps`.
        func configValues(prefix: String) -> [String: ConfigValue] {
            [prefix + ".hidden_size": .int(Int64(hiddenSize)), prefix + ".num_layers": .int(Int64(numLayers)),
             prefix + ".num_heads": .int(Int64(numHeads)), prefix + ".layer_norm_eps": .real(layerNormEpsilon)]
        }
    }

    /// `model.config_name`.
    public var name: String
    /// `image.*` and `siglip.*`: the SigLIP vision tower and its input.
    public var siglip: SiglipConfiguration
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

    public init(name: String, siglip: SiglipConfiguration, semanticProjectionSize: Int, semanticCodeSize: Int,
                semanticCodebookSize: Int, semanticMetric: Metric = .cosine, semanticDecoder: Stack, pixelPatchSize: Int,
                pixelCodeSize: Int, pixelCodebookSize: Int, pixelMetric: Metric = .cosine, pixelEncoder: Stack, pixelDecoder: Stack) {
        self.name = name
        self.siglip = siglip
        self.semanticProjectionSize = semanticProjectionSize
        self.semanticCodeSize = semanticCodeSize
        self.semanticCodebookSize = semanticCodebookSize
        self.semanticMetric = semanticMetric
        self.semanticDecoder = semanticDecoder
        self.pixelPatchSize = pixelPatchSize
        self.pixelCodeSize = pixelCodeSize
        self.pixelCodebookSize = pixelCodebookSize
        self.pixelMetric = pixelMetric
        self.pixelEncoder = pixelEncoder
        self.pixelDecoder = pixelDecoder
    }

    /// `G = S / P`: patches per side at the native resolution.
    public var gridSize: Int { siglip.gridSize }
    /// `G²`: patches at the native resolution, the rows of every position embedding.
    public var patchCount: Int { siglip.patchCount }
    /// `S_pix = G * P_pix`: the pixel branch's square input and output size at the native
    /// resolution.
    public var pixelImageSize: Int { pixelImageSize(gridSide: gridSize) }
    /// `K * m`: the number of token ids.
    public var vocabularySize: Int { semanticCodebookSize * pixelCodebookSize }

    /// Patches per side of the square grid of an input of `resolution` x `resolution`
    /// pixels, the native `S` when nil (`SiglipConfiguration.gridSide`).
    public func gridSide(resolution: Int? = nil) throws(ModelError) -> Int {
        try siglip.gridSide(resolution: resolution)
    }

    /// The pixel branch's square input and output size for a grid of `gridSide` patches a
    /// side: the grids of both branches must match, so the pixel encoder reads the image at
    /// `gridSide * P_pix` (Spec/architecture.md section 3.4).
    public func pixelImageSize(gridSide: Int) -> Int {
        gridSide * pixelPatchSize
    }
}

extension ModelConfiguration {
    /// Reads and validates the configuration keys of `file` (Spec/architecture.md section 5),
    /// which must hold a SemHiTok model.
    public init(_ file: some ConfigurationEntries) throws {
        try file.checkArchitecture(.semhitok)
        self.init(
            name: try file.string("model.config_name"), siglip: try SiglipConfiguration(file),
            semanticProjectionSize: try file.size("semantic.projection_dim"), semanticCodeSize: try file.size("semantic.code_dim"),
            semanticCodebookSize: try file.size("semantic.codebook_size"), semanticMetric: try file.metric("semantic.metric"),
            semanticDecoder: try file.stack("semantic_decoder"), pixelPatchSize: try file.size("pixel.patch_size"),
            pixelCodeSize: try file.size("pixel.code_dim"), pixelCodebookSize: try file.size("pixel.codebook_size"),
            pixelMetric: try file.metric("pixel.metric"), pixelEncoder: try file.stack("pixel_encoder"),
            pixelDecoder: try file.stack("pixel_decoder"))
        if let problem = problem() { throw file.error(.invalidValue(key: "model configuration", detail: problem)) }
        let storedPixelSize = try file.int("pixel.image_size")
        guard storedPixelSize == pixelImageSize else {
            throw file.error(.invalidValue(key: "pixel.image_size", detail: "\(storedPixelSize) is not G * P_pix = \(pixelImageSize)"))
        }
    }

    /// What makes these numbers inconsistent (Spec/architecture.md section 5), or nil.
    public func problem() -> String? {
        if let problem = siglip.problem() { return problem }
        for (name, stack) in [("semantic_decoder", semanticDecoder), ("pixel_encoder", pixelEncoder), ("pixel_decoder", pixelDecoder)] {
            if let problem = stack.problem(prefix: name) { return problem }
        }
        if semanticCodebookSize * pixelCodebookSize > Int(Int32.max) { return "K * m is above 2^31 - 1" }
        return nil
    }

    /// The configuration keys and values to store (Spec/architecture.md section 5).
    public var configValues: [String: ConfigValue] {
        var values: [String: ConfigValue] = [
            "model.architecture": .string(ModelArchitecture.semhitok.rawValue), "model.config_name": .string(name),
            "semantic.projection_dim": .int(Int64(semanticProjectionSize)), "semantic.code_dim": .int(Int64(semanticCodeSize)),
            "semantic.codebook_size": .int(Int64(semanticCodebookSize)), "semantic.metric": .string(semanticMetric.rawValue),
            "pixel.patch_size": .int(Int64(pixelPatchSize)), "pixel.image_size": .int(Int64(pixelImageSize)),
            "pixel.code_dim": .int(Int64(pixelCodeSize)), "pixel.codebook_size": .int(Int64(pixelCodebookSize)),
            "pixel.metric": .string(pixelMetric.rawValue),
        ]
        values.merge(siglip.configValues) { first, _ in first }
        for (prefix, stack) in [("semantic_decoder", semanticDecoder), ("pixel_encoder", pixelEncoder), ("pixel_decoder", pixelDecoder)] {
            values.merge(stack.configValues(prefix: prefix)) { first, _ in first }
        }
        return values
    }
}
