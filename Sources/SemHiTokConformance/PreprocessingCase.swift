import SemHiTokImageCodecs
import SemHiTokFormats
import SemHiTokCompute
import SemHiTokPreprocessing

/// The `bicubic_resize`, `preprocess` and `postprocess` golden cases (Spec/conformance.md
/// section 4): runs the resize, the preprocessing or the postprocessing on the case's input
/// and compares every byte, or every float bit for bit.
enum PreprocessingCase {
    static let kinds: Set<String> = ["bicubic_resize", "preprocess", "postprocess"]

    /// The failures of the case in `file` (empty when it passes).
    static func run(_ file: WeightFile, kind: String) throws -> [String] {
        switch kind {
        case "bicubic_resize": return try resize(file)
        case "preprocess": return try preprocess(file)
        default: return try postprocess(file)
        }
    }

    private static func resize(_ file: WeightFile) throws -> [String] {
        let input = try file.caseImage("input")
        let (width, height) = try targetSize(file)
        let expected = try file.caseBytes("expected.output", shape: [height, width, 3])
        let output = BicubicResize.resize(input, width: width, height: height)
        return ExactComparison.integers("expected.output", expected: expected, actual: output.pixels)
    }

    private static func preprocess(_ file: WeightFile) throws -> [String] {
        let input = try file.caseImage("input")
        let size = try file.int("size")
        let preprocessor: Preprocessor
        do {
            preprocessor = try Preprocessor(size: Int(size), mean: try file.realArray("mean"), std: try file.realArray("std"))
        } catch let error as PreprocessingError {
            throw file.error(.invalidValue(key: "size, mean, std", detail: "\(error)"))
        }
        let expectedResized = try file.caseBytes("expected.resized", shape: [preprocessor.size, preprocessor.size, 3])
        let (expected, shape) = try file.floats("expected.output")
        guard shape == [3, preprocessor.size, preprocessor.size] else {
            throw file.error(.unexpectedShape(tensor: "expected.output", expected: "[3, \(size), \(size)]", found: shape))
        }
        let resized = BicubicResize.resize(input, width: preprocessor.size, height: preprocessor.size)
        return ExactComparison.integers("expected.resized", expected: expectedResized, actual: resized.pixels)
            + ExactComparison.bits("expected.output", expected: expected, actual: preprocessor.tensor(for: input).values)
    }

    private static func postprocess(_ file: WeightFile) throws -> [String] {
        let (values, shape) = try file.floats("input", rank: 3)
        guard shape[0] == ImageTensor.channels else {
            throw file.error(.unexpectedShape(tensor: "input", expected: "[3, H, W]", found: shape))
        }
        let tensor: ImageTensor
        do {
            tensor = try ImageTensor(height: shape[1], width: shape[2], values: values)
        } catch {
            throw file.error(.unexpectedShape(tensor: "input", expected: "[3, H, W] with H, W >= 1", found: shape))
        }
        let outcome = Result { () throws(PreprocessingError) in try Postprocessor.image(from: tensor) }
        if file.config["expected.error"] != nil {
            return try checkError(file, outcome: outcome)
        }
        switch outcome {
        case .failure(let error):
            return ["the postprocessing failed: \(error)"]
        case .success(let image):
            let expected = try file.caseBytes("expected.output", shape: [tensor.height, tensor.width, 3])
            return ExactComparison.integers("expected.output", expected: expected, actual: image.pixels)
        }
    }

    private static func checkError(_ file: WeightFile, outcome: Result<RGBImage, PreprocessingError>) throws -> [String] {
        let expected = try file.string("expected.error")
        guard case .failure(let error) = outcome else {
            return ["expected the error \(expected), the postprocessing succeeded"]
        }
        guard error.conformanceName == expected else {
            return ["expected the error \(expected), got \(error.conformanceName): \(error)"]
        }
        if case .notANumber(let channel, let y, let x) = error {
            let position = try file.intArray("expected.error_position")
            if position != [Int64(channel), Int64(y), Int64(x)] {
                return ["expected the error at \(position), got [\(channel), \(y), \(x)]"]
            }
        }
        return []
    }

    /// The `width` and `height` keys: a target size within `ImageLimits.standard`.
    private static func targetSize(_ file: WeightFile) throws -> (width: Int, height: Int) {
        let width = try file.int("width")
        let height = try file.int("height")
        do {
            try ImageLimits.standard.check(width: Int(width), height: Int(height))
        } catch {
            throw file.error(.invalidValue(key: "width, height", detail: "\(width) x \(height): \(error)"))
        }
        return (Int(width), Int(height))
    }
}
