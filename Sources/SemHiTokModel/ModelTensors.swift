import SemHiTokQuantization

/// Every tensor of a model of one configuration (Spec/architecture.md section 4): what each
/// module declares under its prefix, and the two codebooks. `all` is their union in
/// declaration order: what loading checks a weight container against and what
/// `semhitok init` writes.
struct ModelTensors: Sendable {
    let siglip: SiglipVisionTower.Tensors
    let semanticProjection: SemanticProjection.Tensors
    /// `C_sem [K, D_q]`, stored normalised.
    let semanticCodebook: TensorDeclaration
    let semanticDecoder: SemanticDecoder.Tensors
    let pixelEncoder: PixelEncoder.Tensors
    /// `C_pix [K, m, d]`, stored normalised under the cosine metric.
    let pixelCodebook: TensorDeclaration
    let pixelDecoder: PixelDecoder.Tensors
    let all: [TensorDeclaration]

    init(_ configuration: ModelConfiguration) {
        let root = TensorScope()
        let (semantic, pixel) = (root.scope("semantic_quantizer"), root.scope("pixel_quantizer"))
        siglip = SiglipVisionTower.Tensors(root.scope(SiglipConfiguration.tensorScope), configuration.siglip)
        semanticProjection = SemanticProjection.Tensors(semantic, configuration)
        semanticCodebook = semantic.tensor("codebook", shape: [configuration.semanticCodebookSize, configuration.semanticCodeSize])
        semanticDecoder = SemanticDecoder.Tensors(root.scope("semantic_decoder"), configuration)
        pixelEncoder = PixelEncoder.Tensors(root.scope("pixel_encoder"), configuration)
        pixelCodebook = pixel.tensor("codebook", shape: [configuration.semanticCodebookSize, configuration.pixelCodebookSize,
                                                         configuration.pixelCodeSize])
        pixelDecoder = PixelDecoder.Tensors(root.scope("pixel_decoder"), configuration)
        all = root.layout.tensors
    }
}

extension ModelConfiguration {
    /// Every tensor name and shape of a model of this configuration, in a fixed order
    /// (Spec/architecture.md section 4).
    public var tensorShapes: [(name: String, shape: [Int])] {
        ModelTensors(self).all.map { ($0.name, $0.shape) }
    }

    /// The names of the two codebooks, `C_sem` and `C_pix`, each with its lookup's metric.
    public var codebooks: [(name: String, metric: Metric)] {
        let tensors = ModelTensors(self)
        return [(tensors.semanticCodebook.name, semanticMetric), (tensors.pixelCodebook.name, pixelMetric)]
    }
}

extension SiglipConfiguration {
    /// The scope of the tower's tensor names in a weight container (Spec/architecture.md
    /// section 3.1).
    public static let tensorScope = "siglip.vision_model"

    /// Every tensor name and shape of the tower of this configuration, in a fixed order:
    /// what a SigLIP-only container holds (Spec/convert.md section 5).
    public var tensorShapes: [(name: String, shape: [Int])] {
        let root = TensorScope()
        _ = SiglipVisionTower.Tensors(root.scope(Self.tensorScope), self)
        return root.layout.tensors.map { ($0.name, $0.shape) }
    }
}
