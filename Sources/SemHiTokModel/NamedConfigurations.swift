/// The named configurations of Spec/architecture.md section 6.
extension ModelConfiguration {
    /// The names `semhitok init --config` accepts, smallest first.
    public static let names = ["tiny", "demo", "base-test", "siglip-base-256", "siglip-large-256", "so400m-384"]

    /// The named configuration `name`, or nil.
    public static func named(_ name: String) -> ModelConfiguration? {
        switch name {
        case "tiny":
            ModelConfiguration(
                name: name,
                siglip: SiglipConfiguration(imageSize: 64, patchSize: 8, stack: Stack(hiddenSize: 32, numLayers: 2, numHeads: 2),
                                            intermediateSize: 64, postLayerNorm: true),
                semanticProjectionSize: 32, semanticCodeSize: 8,
                semanticCodebookSize: 64, semanticDecoder: Stack(hiddenSize: 32, numLayers: 1, numHeads: 2),
                pixelPatchSize: 8, pixelCodeSize: 4, pixelCodebookSize: 4,
                pixelEncoder: Stack(hiddenSize: 32, numLayers: 1, numHeads: 2),
                pixelDecoder: Stack(hiddenSize: 32, numLayers: 1, numHeads: 2))
        case "demo":
            ModelConfiguration(
                name: name,
                siglip: SiglipConfiguration(imageSize: 128, patchSize: 8, stack: Stack(hiddenSize: 128, numLayers: 4, numHeads: 4),
                                            intermediateSize: 512, postLayerNorm: true),
                semanticProjectionSize: 128, semanticCodeSize: 32,
                semanticCodebookSize: 1024, semanticDecoder: Stack(hiddenSize: 128, numLayers: 2, numHeads: 4),
                pixelPatchSize: 8, pixelCodeSize: 8, pixelCodebookSize: 8,
                pixelEncoder: Stack(hiddenSize: 128, numLayers: 4, numHeads: 4),
                pixelDecoder: Stack(hiddenSize: 128, numLayers: 4, numHeads: 4))
        case "base-test":
            paperScale(name: name, imageSize: 256, patchSize: 16, siglip: Stack(hiddenSize: 768, numLayers: 1, numHeads: 12),
                       intermediateSize: 3072, postLayerNorm: true, codebookSize: 1024,
                       semanticDecoder: Stack(hiddenSize: 256, numLayers: 1, numHeads: 4),
                       pixel: Stack(hiddenSize: 256, numLayers: 1, numHeads: 4))
        case "siglip-base-256":
            paperScale(name: name, imageSize: 256, patchSize: 16, siglip: Stack(hiddenSize: 768, numLayers: 12, numHeads: 12),
                       intermediateSize: 3072, postLayerNorm: true, codebookSize: 24_576,
                       semanticDecoder: Stack(hiddenSize: 768, numLayers: 4, numHeads: 12),
                       pixel: Stack(hiddenSize: 768, numLayers: 8, numHeads: 12))
        case "siglip-large-256":
            paperScale(name: name, imageSize: 256, patchSize: 16, siglip: Stack(hiddenSize: 1024, numLayers: 24, numHeads: 16),
                       intermediateSize: 4096, postLayerNorm: true, codebookSize: 24_576,
                       semanticDecoder: Stack(hiddenSize: 1024, numLayers: 4, numHeads: 16),
                       pixel: Stack(hiddenSize: 768, numLayers: 8, numHeads: 12))
        case "so400m-384":
            paperScale(name: name, imageSize: 384, patchSize: 14, siglip: Stack(hiddenSize: 1152, numLayers: 26, numHeads: 16),
                       intermediateSize: 4304, postLayerNorm: false, codebookSize: 24_576,
                       semanticDecoder: Stack(hiddenSize: 1152, numLayers: 4, numHeads: 16),
                       pixel: Stack(hiddenSize: 768, numLayers: 8, numHeads: 12))
        default:
            nil
        }
    }

    /// The shape shared by the larger configurations: D_q 32, P_pix 16, d 8, m 8, the
    /// semantic projection as wide as SigLIP, one size for the pixel encoder and decoder.
    private static func paperScale(name: String, imageSize: Int, patchSize: Int, siglip: Stack, intermediateSize: Int,
                                   postLayerNorm: Bool, codebookSize: Int, semanticDecoder: Stack,
                                   pixel: Stack) -> ModelConfiguration {
        ModelConfiguration(
            name: name,
            siglip: SiglipConfiguration(imageSize: imageSize, patchSize: patchSize, stack: siglip,
                                        intermediateSize: intermediateSize, postLayerNorm: postLayerNorm),
            semanticProjectionSize: siglip.hiddenSize, semanticCodeSize: 32, semanticCodebookSize: codebookSize,
            semanticDecoder: semanticDecoder, pixelPatchSize: 16, pixelCodeSize: 8, pixelCodebookSize: 8,
            pixelEncoder: pixel, pixelDecoder: pixel)
    }
}
