import SemHiTokImageCodecs
import SemHiTokFormats
import SemHiTokCompute
import SemHiTokPreprocessing

/// A SigLIP vision tower with its preprocessing: image to SigLIP features `F_sig`
/// (Spec/architecture.md section 3.1). Loaded on its own from a SigLIP-only weight
/// container (`model.architecture = "siglip"`, Spec/convert.md section 5), or as the
/// semantic teacher inside a `SemHiTokModel`.
public final class SiglipModel: SiglipFeatureExtractor {
    /// The tower's and its input's numbers.
    public let configuration: SiglipConfiguration
    /// The weight container's fingerprint (Spec/weights.md section 6).
    public let fingerprint: [UInt8]
    /// The memory, in bytes beyond the weights, that one computation may hold at once
    /// (`SiglipConfiguration.featureBytes` bounds it), as `SemHiTokModel.memoryBudget`.
    public let memoryBudget: Int
    /// The resolutions `siglipFeatures` accepts (`SiglipConfiguration.resolutions(memoryBudget:)`).
    public let resolutions: ClosedRange<Int>

    private let tower: SiglipVisionTower

    /// Loads the SigLIP-only container `file`, checking its configuration and that it holds
    /// exactly the tower's tensors with their shapes.
    public convenience init(_ file: WeightFile, memoryBudget: Int = SemHiTokModel.defaultMemoryBudget) throws {
        try file.checkArchitecture(.siglip)
        let configuration = try SiglipConfiguration(file)
        let root = TensorScope()
        let tensors = SiglipVisionTower.Tensors(root.scope(SiglipConfiguration.tensorScope), configuration)
        let weights = try ModelWeightReader(file, declaring: root.layout.tensors)
        try self.init(weights, tensors, configuration: configuration, memoryBudget: memoryBudget)
    }

    /// Opens, validates and loads the SigLIP-only container at `path`.
    public convenience init(contentsOf path: String, verifyingTensorData: Bool = true,
                            memoryBudget: Int = SemHiTokModel.defaultMemoryBudget) throws {
        try self.init(WeightFile(contentsOf: path, verifyingTensorData: verifyingTensorData), memoryBudget: memoryBudget)
    }

    /// The tower `tensors` read through `weights`, already checked against their declarations.
    init(_ weights: ModelWeightReader, _ tensors: SiglipVisionTower.Tensors, configuration: SiglipConfiguration,
         memoryBudget: Int) throws {
        self.configuration = configuration
        self.memoryBudget = memoryBudget
        fingerprint = weights.file.fingerprint
        resolutions = configuration.resolutions(memoryBudget: memoryBudget)
        tower = try SiglipVisionTower(weights, tensors, configuration: configuration)
    }

    /// `F_sig [N, C]` of each image at the native resolution or at `resolution` x
    /// `resolution` (one of `resolutions`), computed as many at a time as the memory
    /// budget allows; each bit for bit as computed alone.
    public func siglipFeatures(_ images: [RGBImage], resolution: Int? = nil) throws -> [Matrix] {
        let grid = try configuration.gridSide(resolution: resolution)
        if let resolution, resolution > resolutions.upperBound {
            throw ModelError.resolutionTooLarge(resolution, maximum: resolutions.upperBound)
        }
        let perBatch = max(1, memoryBudget / configuration.featureBytes(gridSide: grid))
        return try images.chunks(of: perBatch).flatMap { batch in
            let features = self(try inputs(Array(batch), resolution: resolution))
            let n = grid * grid
            return (0..<batch.count).map { features.rows(($0 * n)..<(($0 + 1) * n)) }
        }
    }

    /// SigLIP's preprocessed inputs of `images` at `resolution` (the native size when nil),
    /// which the caller has checked (Spec/preprocessing.md).
    func inputs(_ images: [RGBImage], resolution: Int?) throws -> [ImageTensor] {
        let preprocessor = try Preprocessor(size: resolution ?? configuration.imageSize, mean: configuration.mean,
                                            std: configuration.std)
        return images.map { preprocessor.tensor(for: $0) }
    }

    /// `F_sig [B * N, C]` of `B` preprocessed images of one size, image after image.
    func callAsFunction(_ inputs: [ImageTensor]) -> Matrix {
        tower(inputs)
    }
}

/// What computes SigLIP's features `F_sig` of images: a `SiglipModel`, or a `SemHiTokModel`
/// through its semantic teacher.
public protocol SiglipFeatureExtractor: Sendable {
    /// `F_sig [N, C]` of each image at the native resolution or at `resolution`.
    func siglipFeatures(_ images: [RGBImage], resolution: Int?) throws -> [Matrix]
}
