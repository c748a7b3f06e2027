/// A point in the tree of tensor names where a module declares its tensors, as candle's
/// `VarBuilder` path does: `scope("encoder.layers.3").linear("mlp.fc1", ...)` declares
/// `PREFIX.encoder.layers.3.mlp.fc1.weight` and `.bias` with their shapes. Every
/// declaration made through a scope, or the scopes below it, is added in order to the
/// layout it shares, so the model's tensor list is the union of what its modules declare.
struct TensorScope {
    /// The tensors declared so far, shared by every scope of one model.
    final class Layout {
        fileprivate(set) var tensors: [TensorDeclaration] = []
    }

    let layout: Layout
    private let prefix: String

    /// The root of a new layout.
    init() {
        layout = Layout()
        prefix = ""
    }

    private init(layout: Layout, prefix: String) {
        self.layout = layout
        self.prefix = prefix
    }

    /// The scope `component` below this one.
    func scope(_ component: String) -> TensorScope {
        TensorScope(layout: layout, prefix: qualified(component))
    }

    /// Declares the tensor `name` with `shape`.
    func tensor(_ name: String, shape: [Int]) -> TensorDeclaration {
        let declaration = TensorDeclaration(name: qualified(name), shape: shape)
        layout.tensors.append(declaration)
        return declaration
    }

    /// Declares the linear layer `name`: `name.weight [outputs, inputs]`, `name.bias [outputs]`.
    func linear(_ name: String, outputs: Int, inputs: Int) -> LinearTensors {
        weightAndBias(name, weightShape: [outputs, inputs])
    }

    /// Declares the patch-embedding convolution `name` over RGB patches of `patchSize`:
    /// `name.weight [outputs, 3, patchSize, patchSize]`, `name.bias [outputs]`.
    func patchConvolution(_ name: String, outputs: Int, patchSize: Int) -> LinearTensors {
        weightAndBias(name, weightShape: [outputs, 3, patchSize, patchSize])
    }

    /// Declares the layer norm `name`: `name.weight [width]`, `name.bias [width]`.
    func layerNorm(_ name: String, width: Int) -> LayerNormTensors {
        let norm = scope(name)
        return LayerNormTensors(weight: norm.tensor("weight", shape: [width]), bias: norm.tensor("bias", shape: [width]))
    }

    private func weightAndBias(_ name: String, weightShape: [Int]) -> LinearTensors {
        let layer = scope(name)
        return LinearTensors(weight: layer.tensor("weight", shape: weightShape), bias: layer.tensor("bias", shape: [weightShape[0]]))
    }

    private func qualified(_ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }
}
