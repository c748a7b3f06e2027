import SemHiTokFormats
import SemHiTokCompute

/// Reads a model's tensors out of its weight container, after checking that every tensor
/// of the configuration is present with exactly its shape and a float type, and that the
/// codebooks are `f32`, and that there is no other tensor (Spec/architecture.md section 4).
struct ModelWeightReader {
    let file: WeightFile

    init(_ file: WeightFile, configuration: ModelConfiguration) throws {
        let shapes = configuration.tensorShapes
        let names = Set(shapes.map(\.name))
        if let extra = file.tensors.first(where: { !names.contains($0.name) }) {
            throw file.error(.invalidValue(key: "tensors", detail: "'\(extra.name)' is not a tensor of this configuration"))
        }
        for (name, shape) in shapes {
            let tensor = try file.tensor(name)
            guard tensor.shape == shape else {
                throw file.error(.unexpectedShape(tensor: name, expected: "\(shape)", found: tensor.shape))
            }
            let allowed: [DType] = name.hasSuffix("codebook") ? [.f32] : [.f32, .f16, .bf16]
            guard allowed.contains(tensor.dtype) else {
                throw file.error(.unexpectedDType(tensor: name, expected: allowed.map(\.description).joined(separator: ", "),
                                                  found: tensor.dtype))
            }
        }
        self.file = file
    }

    /// The float values of `name`, widened to float32. The model keeps its own copy, so
    /// the mapped bytes are released from memory once read.
    func floats(_ name: String) throws -> [Float] {
        try values(name).values
    }

    /// `name` as a matrix of `[first dimension, product of the rest]`.
    func matrix(_ name: String) throws -> Matrix {
        let (values, shape) = try values(name)
        return Matrix(rows: shape[0], columns: values.count / max(shape[0], 1), values: values)
    }

    private func values(_ name: String) throws -> (values: [Float], shape: [Int]) {
        let result = try file.floats(name)
        file.releasePages(of: try file.tensor(name))
        return result
    }

    /// The linear layer `prefix.weight`, `prefix.bias`; a convolution kernel flattens to
    /// `[outputs, inputs * kernel * kernel]`.
    func linear(_ prefix: String) throws -> LinearWeights {
        let weight = try matrix(prefix + ".weight")
        return LinearWeights(weight: weight.values, bias: try floats(prefix + ".bias"), outputs: weight.rows, inputs: weight.columns)
    }

    /// The layer norm `prefix.weight`, `prefix.bias` with `epsilon`.
    func layerNorm(_ prefix: String, epsilon: Double) throws -> LayerNorm {
        LayerNorm(weight: try floats(prefix + ".weight"), bias: try floats(prefix + ".bias"), epsilon: Float(epsilon))
    }
}
