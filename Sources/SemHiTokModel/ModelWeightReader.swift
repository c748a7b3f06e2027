import SemHiTokCompute
import SemHiTokFormats

/// Reads a model's tensors out of its weight container, after checking that every tensor
/// the modules declare is present with exactly its shape and a float type, that the
/// codebooks are `f32`, and that there is no other tensor (Spec/architecture.md section 4).
struct ModelWeightReader {
    let file: WeightFile

    init(_ file: WeightFile, declaring tensors: [TensorDeclaration]) throws {
        let names = Set(tensors.map(\.name))
        if let extra = file.tensors.first(where: { !names.contains($0.name) }) {
            throw file.error(.invalidValue(key: "tensors", detail: "'\(extra.name)' is not a tensor of this configuration"))
        }
        for declaration in tensors {
            let tensor = try file.tensor(declaration.name)
            guard tensor.shape == declaration.shape else {
                throw file.error(.unexpectedShape(tensor: declaration.name, expected: "\(declaration.shape)", found: tensor.shape))
            }
            let allowed: [DType] = declaration.requiresFloat32 ? [.f32] : DType.floatTypes
            guard allowed.contains(tensor.dtype) else {
                throw file.error(.unexpectedDType(tensor: declaration.name, expected: allowed.map(\.description).joined(separator: ", "),
                                                  found: tensor.dtype))
            }
        }
        self.file = file
    }

    /// `tensor` as a matrix of `[first dimension, product of the rest]`, widened to
    /// float32. The model keeps its own copy, so the mapped bytes are released from
    /// memory once read.
    func matrix(_ tensor: TensorDeclaration) throws -> Matrix {
        let (values, shape) = try file.floats(tensor.name)
        file.releasePages(of: try file.tensor(tensor.name))
        return Matrix(rows: shape[0], columns: values.count / max(shape[0], 1), values: values)
    }

    /// A linear layer; a convolution kernel flattens to `[outputs, inputs * kernel * kernel]`.
    /// The weight is packed straight from the mapped file, without an intermediate copy.
    func linear(_ tensors: LinearTensors) throws -> LinearWeights {
        let bias = try matrix(tensors.bias).values
        let layer = try file.withFloats(tensors.weight.name) { weight, shape in
            LinearWeights(weight: weight, bias: bias, outputs: shape[0], inputs: weight.count / max(shape[0], 1))
        }
        file.releasePages(of: try file.tensor(tensors.weight.name))
        return layer
    }

    /// A layer norm with `epsilon`.
    func layerNorm(_ tensors: LayerNormTensors, epsilon: Double) throws -> LayerNorm {
        LayerNorm(weight: try matrix(tensors.weight).values, bias: try matrix(tensors.bias).values, epsilon: Float(epsilon))
    }
}
