/// A SemHiTok model loaded from a weight container: image to tokens, tokens to image,
/// image to semantic features (Spec/architecture.md). Every image is computed on its own,
/// so results never depend on what else is in a batch.
public final class SemHiTokModel: Sendable {
    /// The architecture numbers.
    public let configuration: ModelConfiguration
    /// The weight container's fingerprint (Spec/weights.md section 6), recorded in token files.
    public let fingerprint: [UInt8]

    private let tower: SiglipVisionTower
    private let semanticProjection: (LinearWeights, LinearWeights)
    private let semanticQuantizer: SemanticQuantizer
    private let semanticCodebook: Matrix
    private let semanticDecoder: SemanticDecoder
    private let pixelEncoder: PixelEncoder
    private let pixelQuantizer: PixelQuantizer
    private let pixelCodebook: Matrix
    private let pixelDecoder: PixelDecoder

    /// Loads the model in `file`, checking its configuration and every tensor's shape.
    public init(_ file: WeightFile) throws {
        let configuration = try ModelConfiguration(file)
        let weights = try ModelWeightReader(file, configuration: configuration)
        self.configuration = configuration
        fingerprint = file.fingerprint
        tower = try SiglipVisionTower(weights, configuration: configuration)
        semanticProjection = (try weights.linear("semantic_quantizer.proj.0"), try weights.linear("semantic_quantizer.proj.2"))
        semanticCodebook = try weights.matrix("semantic_quantizer.codebook")
        pixelCodebook = try weights.matrix("pixel_quantizer.codebook")
        do {
            semanticQuantizer = try SemanticQuantizer(
                codebook: semanticCodebook.values, codebookSize: configuration.semanticCodebookSize,
                dimension: configuration.semanticCodeSize, metric: configuration.semanticMetric)
            pixelQuantizer = try PixelQuantizer(
                codebook: pixelCodebook.values, semanticCodebookSize: configuration.semanticCodebookSize,
                subCodebookSize: configuration.pixelCodebookSize, dimension: configuration.pixelCodeSize,
                metric: configuration.pixelMetric)
        } catch let error as QuantizationError {
            throw file.error(.invalidValue(key: "codebooks", detail: "\(error)"))
        }
        semanticDecoder = try SemanticDecoder(weights, configuration: configuration)
        pixelEncoder = try PixelEncoder(weights, configuration: configuration)
        pixelDecoder = try PixelDecoder(weights, configuration: configuration)
    }

    /// Opens, validates and loads the weight container at `path`.
    public convenience init(contentsOf path: String, verifyingTensorData: Bool = true) throws {
        try self.init(WeightFile(contentsOf: path, verifyingTensorData: verifyingTensorData))
    }

    /// Encodes `image` at the native resolution, or at `resolution` x `resolution` (at
    /// least SigLIP's patch size `P`; the grid is `floor(resolution / P)` square), into
    /// one token per patch, keeping every stage (Spec/architecture.md section 1).
    public func encode(_ image: RGBImage, resolution: Int? = nil) throws -> ImageEncoding {
        let size = resolution ?? configuration.imageSize
        let patch = configuration.siglipPatchSize
        guard size >= patch else { throw ModelError.invalidResolution(size, patchSize: patch) }
        let grid = size / patch
        let pixelValues = try preprocessor(size: size).tensor(for: image)
        let pixelBranchValues = try preprocessor(size: grid * configuration.pixelPatchSize).tensor(for: image)

        let siglipFeatures = tower(pixelValues)
        let projection = Gemm.linear(Activations.tanh(Gemm.linear(siglipFeatures, semanticProjection.0)), semanticProjection.1)
        let semantic = try semanticLookup(projection)
        let pixelProjection = pixelEncoder(pixelBranchValues)
        let pixel = try pixelLookup(pixelProjection, semanticIndices: semantic.indices)
        return ImageEncoding(
            gridHeight: grid, gridWidth: grid, pixelValues: pixelValues, pixelBranchValues: pixelBranchValues,
            siglipFeatures: siglipFeatures, semanticProjection: projection, semantic: semantic,
            pixelProjection: pixelProjection, pixel: pixel,
            tokens: tokens(semanticIndices: semantic.indices, pixelIndices: pixel.indices))
    }

    /// The semantic lookup of `z_sem [N, D_q]` in `C_sem` (Spec/quantization.md).
    public func semanticLookup(_ projection: Matrix) throws -> CodeSearchResult {
        try semanticQuantizer.quantize(projection.values)
    }

    /// The pixel lookup of `z_pix [N, d]`, row `n` in `C_pix[semanticIndices[n]]`
    /// (Spec/quantization.md).
    public func pixelLookup(_ projection: Matrix, semanticIndices: [Int32]) throws -> CodeSearchResult {
        try pixelQuantizer.quantize(projection.values, semanticIndices: semanticIndices)
    }

    /// `i * m + j` for each patch.
    public func tokens(semanticIndices: [Int32], pixelIndices: [Int32]) -> [UInt32] {
        pixelQuantizer.tokens(semanticIndices: semanticIndices, pixelIndices: pixelIndices)
    }

    /// `F_sem [N, C]`: the semantic decoder's features for a grid of semantic indices.
    public func semanticFeatures(semanticIndices: [Int32], gridHeight: Int, gridWidth: Int) throws -> Matrix {
        guard semanticIndices.count == gridHeight * gridWidth, gridHeight >= 1, gridWidth >= 1 else {
            throw ModelError.gridMismatch(tokens: semanticIndices.count, rows: gridHeight, columns: gridWidth)
        }
        let codes = rows(of: semanticCodebook, at: semanticIndices.map(Int.init))
        return semanticDecoder(codes: codes, rows: gridHeight, columns: gridWidth)
    }

    /// The pixel decoder's output `[3, gridHeight * P_pix, gridWidth * P_pix]` for `tokens`.
    public func decode(tokens: [UInt32], gridHeight: Int, gridWidth: Int) throws -> ImageTensor {
        guard tokens.count == gridHeight * gridWidth, gridHeight >= 1, gridWidth >= 1 else {
            throw ModelError.gridMismatch(tokens: tokens.count, rows: gridHeight, columns: gridWidth)
        }
        let m = configuration.pixelCodebookSize
        if let position = tokens.firstIndex(where: { Int($0) >= configuration.vocabularySize }) {
            throw ModelError.tokenOutOfRange(position: position, token: tokens[position],
                                             vocabularySize: configuration.vocabularySize)
        }
        let semanticCodes = rows(of: semanticCodebook, at: tokens.map { Int($0) / m })
        let pixelCodes = rows(of: pixelCodebook.reshaped(rows: configuration.vocabularySize, columns: configuration.pixelCodeSize),
                              at: tokens.map { Int($0) })
        return pixelDecoder(semanticCodes: semanticCodes, pixelCodes: pixelCodes, rows: gridHeight, columns: gridWidth)
    }

    /// The reconstruction of `tokens` as 8-bit RGB (Spec/preprocessing.md section 4).
    public func decodeImage(tokens: [UInt32], gridHeight: Int, gridWidth: Int) throws -> RGBImage {
        try Postprocessor.image(from: decode(tokens: tokens, gridHeight: gridHeight, gridWidth: gridWidth))
    }

    private func preprocessor(size: Int) throws -> Preprocessor {
        try Preprocessor(size: size, mean: configuration.mean, std: configuration.std)
    }

    /// The rows `indices` of `matrix`, in that order.
    private func rows(of matrix: Matrix, at indices: [Int]) -> Matrix {
        Matrix(rows: indices.count, columns: matrix.columns, values: indices.flatMap { matrix.row($0) })
    }
}
