import SemHiTokImageCodecs
import SemHiTokFormats
import SemHiTokCompute
import SemHiTokPreprocessing
import SemHiTokQuantization

/// A SemHiTok model loaded from a weight container: image to tokens, tokens to image,
/// image to semantic features (Spec/architecture.md). Every image is computed on its own,
/// so results never depend on what else is in a batch.
public final class SemHiTokModel: SiglipFeatureExtractor {
    /// The architecture numbers.
    public let configuration: ModelConfiguration
    /// The weight container's fingerprint (Spec/weights.md section 6), recorded in token files.
    public let fingerprint: [UInt8]
    /// The memory, in bytes beyond the weights, that one computation may hold at once
    /// (`ModelConfiguration.encodingBytes` and its siblings bound it): batches are split to
    /// stay within it, and an image or grid that alone needs more is refused. The split
    /// never changes a result.
    public let memoryBudget: Int
    /// The memory budget of a model loaded without one: 8 GiB.
    public static let defaultMemoryBudget = 8 << 30
    /// The resolutions `encode` accepts: from one patch `P` to the largest whose grid fits
    /// the memory budget and whose inputs, SigLIP's and the pixel branch's, fit
    /// `ImageLimits.standard` (`ModelConfiguration.resolutions(memoryBudget:)`).
    public let resolutions: ClosedRange<Int>

    private let siglip: SiglipModel
    private let semanticProjection: SemanticProjection
    private let semanticQuantizer: SemanticQuantizer
    private let semanticCodebook: Matrix
    private let semanticDecoder: SemanticDecoder
    private let pixelEncoder: PixelEncoder
    private let pixelQuantizer: PixelQuantizer
    private let pixelCodebook: Matrix
    private let pixelDecoder: PixelDecoder

    /// Loads the model in `file`, checking its configuration and every tensor's shape.
    public init(_ file: WeightFile, memoryBudget: Int = SemHiTokModel.defaultMemoryBudget) throws {
        self.memoryBudget = memoryBudget
        let configuration = try ModelConfiguration(file)
        let tensors = ModelTensors(configuration)
        let weights = try ModelWeightReader(file, declaring: tensors.all)
        self.configuration = configuration
        resolutions = configuration.resolutions(memoryBudget: memoryBudget)
        fingerprint = file.fingerprint
        siglip = try SiglipModel(weights, tensors.siglip, configuration: configuration.siglip, memoryBudget: memoryBudget)
        semanticProjection = try SemanticProjection(weights, tensors.semanticProjection)
        semanticCodebook = try weights.matrix(tensors.semanticCodebook)
        pixelCodebook = try weights.matrix(tensors.pixelCodebook)
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
        semanticDecoder = try SemanticDecoder(weights, tensors.semanticDecoder, configuration: configuration)
        pixelEncoder = try PixelEncoder(weights, tensors.pixelEncoder, configuration: configuration)
        pixelDecoder = try PixelDecoder(weights, tensors.pixelDecoder, configuration: configuration)
    }

    /// Opens, validates and loads the weight container at `path`.
    public convenience init(contentsOf path: String, verifyingTensorData: Bool = true,
                            memoryBudget: Int = SemHiTokModel.defaultMemoryBudget) throws {
        try self.init(WeightFile(contentsOf: path, verifyingTensorData: verifyingTensorData), memoryBudget: memoryBudget)
    }

    /// Encodes `image` at the native resolution, or at `resolution` x `resolution` (at
    /// least SigLIP's patch size `P`; the grid is `floor(resolution / P)` square), into
    /// one token per patch, keeping every stage (Spec/architecture.md section 1).
    public func encode(_ image: RGBImage, resolution: Int? = nil) throws -> ImageEncoding {
        try encode([image], resolution: resolution)[0]
    }

    /// Encodes a batch of images: every image's result is bit for bit what `encode` gives it
    /// alone (rows never mix; attention stays within an image), computed together as many
    /// at a time as the memory budget allows.
    public func encode(_ images: [RGBImage], resolution: Int? = nil) throws -> [ImageEncoding] {
        try inBatches(images, resolution: resolution) { batch in
            try encodeTogether(batch.map { try prepare($0, resolution: resolution) })
        }
    }

    /// `image` preprocessed for `encode(prepared:)` at the native resolution or at
    /// `resolution` (Spec/preprocessing.md): the work on one image before the model's, which
    /// a pipeline can do on another thread.
    public func prepare(_ image: RGBImage, resolution: Int? = nil) throws -> PreparedImage {
        let grid = try gridSide(resolution: resolution)
        let siglipInput = try siglip.inputs([image], resolution: resolution)[0]
        let pixelSize = configuration.pixelImageSize(gridSide: grid)
        // Both inputs are the same resize and normalisation, so equal sizes give one tensor.
        let pixelEncoderInput = pixelSize == siglipInput.height ? siglipInput : try preprocessor(size: pixelSize).tensor(for: image)
        return PreparedImage(gridSide: grid, siglipInput: siglipInput, pixelEncoderInput: pixelEncoderInput)
    }

    /// Encodes images prepared at one resolution, each bit for bit as `encode` gives it,
    /// as many together as the memory budget allows.
    public func encode(prepared images: [PreparedImage]) throws -> [ImageEncoding] {
        guard let grid = images.first?.gridSide else { return [] }
        guard images.allSatisfy({ $0.gridSide == grid }) else { throw ModelError.mixedPreparedGrids }
        return try images.chunks(of: imagesPerBatch(configuration.encodingBytes(gridSide: grid))).flatMap {
            try encodeTogether(Array($0))
        }
    }

    /// `encode` of prepared images of one grid computed as one batch.
    private func encodeTogether(_ images: [PreparedImage]) throws -> [ImageEncoding] {
        let grid = images[0].gridSide
        let n = grid * grid
        let siglipInputs = images.map(\.siglipInput)
        let siglipFeatures = siglip(siglipInputs)
        let projection = semanticProjection(siglipFeatures)
        let semantic = try semanticLookup(projection)
        let pixelEncoderInputs = images.map(\.pixelEncoderInput)
        let pixelProjection = pixelEncoder(pixelEncoderInputs)
        let pixel = try pixelLookup(pixelProjection, semanticIndices: semantic.indices)
        let tokens = tokens(semanticIndices: semantic.indices, pixelIndices: pixel.indices)
        return images.indices.map { index in
            let rows = (index * n)..<((index + 1) * n)
            return ImageEncoding(
                gridHeight: grid, gridWidth: grid, siglipInput: siglipInputs[index],
                pixelEncoderInput: pixelEncoderInputs[index], siglipFeatures: siglipFeatures.rows(rows),
                semanticProjection: projection.rows(rows),
                semantic: CodeSearchResult(indices: Array(semantic.indices[rows]), scores: Array(semantic.scores[rows])),
                pixelProjection: pixelProjection.rows(rows),
                pixel: CodeSearchResult(indices: Array(pixel.indices[rows]), scores: Array(pixel.scores[rows])),
                tokens: Array(tokens[rows]))
        }
    }

    /// `F_sig [N, C]` of each image, computing only the SigLIP tower (the features that
    /// feed the semantic quantizer; bit for bit those of `encode`), at a resolution `encode`
    /// accepts.
    public func siglipFeatures(_ images: [RGBImage], resolution: Int? = nil) throws -> [Matrix] {
        _ = try gridSide(resolution: resolution)
        return try siglip.siglipFeatures(images, resolution: resolution)
    }

    /// `F_sem [N, C]` of each image: its semantic indices through the semantic decoder,
    /// without the pixel branch (bit for bit `semanticFeatures` of `encode`'s indices).
    public func semanticFeatures(_ images: [RGBImage], resolution: Int? = nil) throws -> [Matrix] {
        try inBatches(images, resolution: resolution) { batch in
            let branch = try semanticBranch(batch, resolution: resolution)
            let n = branch.grid * branch.grid
            let indices = (0..<batch.count).map { Array(branch.semantic.indices[($0 * n)..<(($0 + 1) * n)]) }
            return try semanticFeatures(semanticIndices: indices, gridHeight: branch.grid, gridWidth: branch.grid)
        }
    }

    /// The grid side at the native resolution or at `resolution`, which must be one of
    /// `resolutions`.
    private func gridSide(resolution: Int?) throws -> Int {
        let grid = try configuration.gridSide(resolution: resolution)
        if let resolution, resolution > resolutions.upperBound {
            throw ModelError.resolutionTooLarge(resolution, maximum: resolutions.upperBound)
        }
        return grid
    }

    /// `body` over consecutive batches of `images`, as many together as the memory budget
    /// allows at `resolution`, results in order.
    private func inBatches<Result>(_ images: [RGBImage], resolution: Int?,
                                   _ body: ([RGBImage]) throws -> [Result]) throws -> [Result] {
        let bytes = configuration.encodingBytes(gridSide: try gridSide(resolution: resolution))
        return try images.chunks(of: imagesPerBatch(bytes)).flatMap { try body(Array($0)) }
    }

    /// How many computations of `bytes` each fit the memory budget together (at least one).
    private func imagesPerBatch(_ bytes: Int) -> Int {
        max(1, memoryBudget / max(bytes, 1))
    }

    /// The semantic side of the encoder: SigLIP, the projection and the semantic lookup of
    /// a batch, rows image after image.
    private func semanticBranch(_ images: [RGBImage], resolution: Int?) throws
        -> (grid: Int, siglipInputs: [ImageTensor], siglipFeatures: Matrix, projection: Matrix, semantic: CodeSearchResult)
    {
        let grid = try gridSide(resolution: resolution)
        let inputs = try siglip.inputs(images, resolution: resolution)
        let siglipFeatures = siglip(inputs)
        let projection = semanticProjection(siglipFeatures)
        return (grid, inputs, siglipFeatures, projection, try semanticLookup(projection))
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
        try semanticFeatures(semanticIndices: [semanticIndices], gridHeight: gridHeight, gridWidth: gridWidth)[0]
    }

    /// `F_sem` of a batch of grids of one size, each bit for bit as computed alone.
    public func semanticFeatures(semanticIndices batch: [[Int32]], gridHeight: Int, gridWidth: Int) throws -> [Matrix] {
        guard !batch.isEmpty else { return [] }
        try checkGrid(batch.map(\.count), gridHeight: gridHeight, gridWidth: gridWidth)
        if let position = batch.joined().firstIndex(where: { $0 < 0 || Int($0) >= configuration.semanticCodebookSize }) {
            throw ModelError.semanticIndexOutOfRange(index: batch.joined()[position], codebookSize: configuration.semanticCodebookSize)
        }
        let bytes = try checkMemory(configuration.semanticFeatureBytes(rows: gridHeight, columns: gridWidth),
                                    gridHeight: gridHeight, gridWidth: gridWidth)
        let n = gridHeight * gridWidth
        return batch.chunks(of: imagesPerBatch(bytes)).flatMap { grids in
            let codes = rows(of: semanticCodebook, at: grids.joined().map(Int.init))
            let features = semanticDecoder(codes: codes, rows: gridHeight, columns: gridWidth)
            return (0..<grids.count).map { features.rows(($0 * n)..<(($0 + 1) * n)) }
        }
    }

    /// The pixel decoder's output `[3, gridHeight * P_pix, gridWidth * P_pix]` for `tokens`.
    public func decode(tokens: [UInt32], gridHeight: Int, gridWidth: Int) throws -> ImageTensor {
        try decode(tokens: [tokens], gridHeight: gridHeight, gridWidth: gridWidth)[0]
    }

    /// The pixel decoder's outputs for a batch of token grids of one size, each bit for bit
    /// as decoded alone.
    public func decode(tokens batch: [[UInt32]], gridHeight: Int, gridWidth: Int) throws -> [ImageTensor] {
        guard !batch.isEmpty else { return [] }
        try checkGrid(batch.map(\.count), gridHeight: gridHeight, gridWidth: gridWidth)
        let tokens = Array(batch.joined())
        if let position = tokens.firstIndex(where: { Int($0) >= configuration.vocabularySize }) {
            throw ModelError.tokenOutOfRange(position: position % (gridHeight * gridWidth), token: tokens[position],
                                             vocabularySize: configuration.vocabularySize)
        }
        let bytes = try checkMemory(configuration.decodingBytes(rows: gridHeight, columns: gridWidth),
                                    gridHeight: gridHeight, gridWidth: gridWidth)
        let m = configuration.pixelCodebookSize
        let pixelRows = pixelCodebook.reshaped(rows: configuration.vocabularySize, columns: configuration.pixelCodeSize)
        return batch.chunks(of: imagesPerBatch(bytes)).flatMap { grids in
            let tokens = grids.joined()
            return pixelDecoder(semanticCodes: rows(of: semanticCodebook, at: tokens.map { Int($0) / m }),
                                pixelCodes: rows(of: pixelRows, at: tokens.map { Int($0) }), rows: gridHeight, columns: gridWidth)
        }
    }

    /// The pixel decoder's outputs for token records of any grids, in order: each run of
    /// consecutive records of one grid is computed together, each record bit for bit as
    /// decoded alone.
    public func decode(_ records: some Collection<TokenRecord>) throws -> [ImageTensor] {
        var images: [ImageTensor] = []
        var rest = records[...]
        while let first = rest.first {
            let run = rest.prefix { $0.gridHeight == first.gridHeight && $0.gridWidth == first.gridWidth }
            images += try decode(tokens: run.map(\.tokens), gridHeight: first.gridHeight, gridWidth: first.gridWidth)
            rest = rest.dropFirst(run.count)
        }
        return images
    }

    /// The header of a token file for this model's tokens of images encoded at
    /// `resolution` (the native size when nil): its fingerprint, `K`, `m` and the grid
    /// (Spec/tokens.md section 1.1).
    public func tokenFileHeader(resolution: Int? = nil) throws -> TokenFileHeader {
        let grid = try gridSide(resolution: resolution)
        return TokenFileHeader(modelFingerprint: fingerprint, semanticCodebookSize: configuration.semanticCodebookSize,
                               pixelCodebookSize: configuration.pixelCodebookSize, gridHeight: grid, gridWidth: grid)
    }

    /// Checks that the token file `path` with `header` holds this model's tokens
    /// (Spec/tokens.md section 3).
    public func checkTokens(_ header: TokenFileHeader, path: String) throws {
        try header.checkProducedBy(fingerprint: fingerprint, semanticCodebookSize: configuration.semanticCodebookSize,
                                   pixelCodebookSize: configuration.pixelCodebookSize, path: path)
    }

    /// The reconstruction of `tokens` as 8-bit RGB (Spec/preprocessing.md section 4).
    public func decodeImage(tokens: [UInt32], gridHeight: Int, gridWidth: Int) throws -> RGBImage {
        try Postprocessor.image(from: decode(tokens: tokens, gridHeight: gridHeight, gridWidth: gridWidth))
    }

    /// Every grid of a batch must be `gridHeight x gridWidth`, at least 1 x 1.
    private func checkGrid(_ counts: [Int], gridHeight: Int, gridWidth: Int) throws {
        guard gridHeight >= 1, gridWidth >= 1, gridHeight <= TokenRecord.maximumGridSide, gridWidth <= TokenRecord.maximumGridSide else {
            throw ModelError.gridMismatch(tokens: counts.first ?? 0, rows: gridHeight, columns: gridWidth)
        }
        if let wrong = counts.first(where: { $0 != gridHeight * gridWidth }) {
            throw ModelError.gridMismatch(tokens: wrong, rows: gridHeight, columns: gridWidth)
        }
    }

    /// `bytes`, the memory one grid's computation needs, if it is within the budget.
    private func checkMemory(_ bytes: Int, gridHeight: Int, gridWidth: Int) throws -> Int {
        guard bytes <= memoryBudget else {
            throw ModelError.gridTooLarge(rows: gridHeight, columns: gridWidth, bytes: bytes, budget: memoryBudget)
        }
        return bytes
    }

    private func preprocessor(size: Int) throws -> Preprocessor {
        try Preprocessor(size: size, mean: configuration.siglip.mean, std: configuration.siglip.std)
    }

    /// The rows `indices` of `matrix`, in that order.
    private func rows(of matrix: Matrix, at indices: [Int]) -> Matrix {
        Matrix(rows: indices.count, columns: matrix.columns, values: indices.flatMap { matrix.row($0) })
    }
}
