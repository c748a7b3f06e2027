import Foundation
import SemHiTokCompute
import SemHiTokFormats
import SemHiTokModel
import SemHiTokPreprocessing

/// The `model` golden case (Spec/conformance.md section 5): runs the whole model on the
/// case's image and checks every stage against the PyTorch reference's intermediates.
enum ModelCase {
    static let kind = "model"

    /// The failures of the case in `file` (empty when it passes) and a line per float
    /// check reporting its errors.
    static func run(_ file: WeightFile) throws -> (failures: [String], reports: [String]) {
        let model = try loadModel(file)
        let configuration = model.configuration
        let tolerance = try file.real("tolerance.relative")
        let input = try file.caseImage("input")
        let (s, sPix, n) = (configuration.siglip.imageSize, configuration.pixelImageSize, configuration.patchCount)
        let grid = configuration.gridSize
        let semanticIndices = try file.caseInt32s("expected.semantic_indices", shape: [n])
        let pixelIndices = try file.caseInt32s("expected.pixel_indices", shape: [n])
        let tokens = try file.caseInt32s("expected.tokens", shape: [n])
        guard tokens.allSatisfy({ $0 >= 0 && Int($0) < configuration.vocabularySize }) else {
            throw file.error(.invalidValue(key: "expected.tokens", detail: "a token is outside 0 ..< K * m"))
        }
        func floats(_ name: String, _ shape: [Int]) throws -> [Float] { try file.caseFloats(name, shape: shape) }
        let semanticProjection = try floats("expected.semantic_projection", [n, configuration.semanticCodeSize])
        let pixelProjection = try floats("expected.pixel_projection", [n, configuration.pixelCodeSize])

        var failures = [String]()
        var reports = [String]()
        func within(_ name: String, _ expected: [Float], _ actual: [Float]) {
            let (failed, report) = ToleranceComparison.check(name, expected: expected, actual: actual, tolerance: tolerance)
            failures += failed
            reports.append(report)
        }

        let encoding = try model.encode(input)
        failures += ExactComparison.bits("expected.pixel_values", expected: try floats("expected.pixel_values", [3, s, s]),
                                         actual: encoding.siglipInput.values)
        failures += ExactComparison.bits("expected.pixel_values_pix", expected: try floats("expected.pixel_values_pix", [3, sPix, sPix]),
                                         actual: encoding.pixelEncoderInput.values)

        let storedSemantic = try model.semanticLookup(
            Matrix(rows: n, columns: configuration.semanticCodeSize, values: semanticProjection))
        failures += ExactComparison.integers("semantic lookup of expected.semantic_projection",
                                             expected: semanticIndices, actual: storedSemantic.indices)
        let storedPixel = try model.pixelLookup(
            Matrix(rows: n, columns: configuration.pixelCodeSize, values: pixelProjection), semanticIndices: semanticIndices)
        failures += ExactComparison.integers("pixel lookup of expected.pixel_projection",
                                             expected: pixelIndices, actual: storedPixel.indices)

        failures += ExactComparison.integers("expected.semantic_indices", expected: semanticIndices, actual: encoding.semantic.indices)
        failures += ExactComparison.integers("expected.pixel_indices", expected: pixelIndices, actual: encoding.pixel.indices)
        failures += ExactComparison.integers("expected.tokens", expected: tokens.map(Int64.init),
                                             actual: encoding.tokens.map(Int64.init))

        within("expected.siglip_features", try floats("expected.siglip_features", [n, configuration.siglip.stack.hiddenSize]),
               encoding.siglipFeatures.values)
        within("expected.semantic_projection", semanticProjection, encoding.semanticProjection.values)
        within("expected.pixel_projection", pixelProjection, encoding.pixelProjection.values)
        let semanticFeatures = try model.semanticFeatures(semanticIndices: semanticIndices, gridHeight: grid, gridWidth: grid)
        within("expected.semantic_features",
               try floats("expected.semantic_features", [n, configuration.siglip.stack.hiddenSize]), semanticFeatures.values)
        let decoded = try model.decode(tokens: tokens.map { UInt32($0) }, gridHeight: grid, gridWidth: grid)
        within("expected.decoded", try floats("expected.decoded", [3, sPix, sPix]), decoded.values)

        let expectedImage = try file.caseBytes("expected.decoded_image", shape: [sPix, sPix, 3])
        let decodedImage = try Postprocessor.image(from: decoded)
        let farOff = zip(expectedImage, decodedImage.pixels).enumerated().filter { abs(Int($1.0) - Int($1.1)) > 1 }
        failures += farOff.prefix(ExactComparison.limit).map {
            "expected.decoded_image[\($0.offset)]: expected \($0.element.0), got \($0.element.1) (more than 1 apart)"
        }
        if farOff.count > ExactComparison.limit {
            failures.append("expected.decoded_image: \(farOff.count - ExactComparison.limit) more bytes are more than 1 apart")
        }
        return (failures, reports)
    }

    /// The case's model: `model.weights`, a path relative to the case file, or the
    /// deterministic model of `model.init_config` and `model.init_seed`.
    private static func loadModel(_ file: WeightFile) throws -> SemHiTokModel {
        if file.config["model.weights"] != nil {
            let relative = try file.string("model.weights")
            let folder = (file.path as NSString).deletingLastPathComponent
            return try SemHiTokModel(contentsOf: relative.hasPrefix("/") ? relative : (folder as NSString).appendingPathComponent(relative))
        }
        let name = try file.string("model.init_config")
        let seed = try file.int("model.init_seed")
        guard let configuration = ModelConfiguration.named(name) else {
            throw file.error(.invalidValue(key: "model.init_config", detail: "'\(name)' is not a named configuration"))
        }
        guard seed >= 0 else { throw file.error(.invalidValue(key: "model.init_seed", detail: "\(seed) is negative")) }
        // The model is memory-mapped, so the file can go as soon as it is loaded.
        let path = NSTemporaryDirectory() + "semhitok-\(name)-\(seed)-\(UUID().uuidString).shw"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelInitializer.weights(for: configuration, seed: UInt64(seed)).write(to: path)
        return try SemHiTokModel(contentsOf: path)
    }
}
