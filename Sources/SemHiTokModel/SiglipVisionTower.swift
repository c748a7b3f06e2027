import SemHiTokCompute

/// The SigLIP vision tower in HuggingFace's `SiglipVisionModel` layout, without the pooling
/// head (Spec/architecture.md section 3.1): patch embedding plus position embedding, `L`
/// pre-norm encoder layers, and optionally the post-LayerNorm. Its output is the "siglip"
/// feature `F_sig [N, C]`.
struct SiglipVisionTower: Sendable {
    /// The tower's tensors: `embeddings.*`, `encoder.layers.{l}.*` and `post_layernorm`.
    struct Tensors: Sendable {
        let patchEmbedding: LinearTensors
        let positionEmbedding: TensorDeclaration
        let layers: [Layer.Tensors]
        let postLayernorm: LayerNormTensors?

        init(_ scope: TensorScope, _ configuration: SiglipConfiguration) {
            let width = configuration.stack.hiddenSize
            patchEmbedding = scope.patchConvolution("embeddings.patch_embedding", outputs: width,
                                                    patchSize: configuration.patchSize)
            positionEmbedding = scope.tensor("embeddings.position_embedding.weight", shape: [configuration.patchCount, width])
            layers = (0..<configuration.stack.numLayers).map {
                Layer.Tensors(scope.scope("encoder.layers.\($0)"), width: width, intermediateSize: configuration.intermediateSize)
            }
            postLayernorm = configuration.postLayerNorm ? scope.layerNorm("post_layernorm", width: width) : nil
        }
    }

    /// One encoder layer: separate q, k, v projections and a `gelu_tanh` MLP.
    struct Layer: Sendable {
        /// The layer's tensors: `layer_norm1`, `self_attn.{q,k,v,out}_proj`, `layer_norm2`,
        /// `mlp.fc1`, `mlp.fc2`.
        struct Tensors: Sendable {
            let layerNorm1: LayerNormTensors
            let qProj: LinearTensors
            let kProj: LinearTensors
            let vProj: LinearTensors
            let outProj: LinearTensors
            let layerNorm2: LayerNormTensors
            let fc1: LinearTensors
            let fc2: LinearTensors

            init(_ scope: TensorScope, width: Int, intermediateSize: Int) {
                layerNorm1 = scope.layerNorm("layer_norm1", width: width)
                qProj = scope.linear("self_attn.q_proj", outputs: width, inputs: width)
                kProj = scope.linear("self_attn.k_proj", outputs: width, inputs: width)
                vProj = scope.linear("self_attn.v_proj", outputs: width, inputs: width)
                outProj = scope.linear("self_attn.out_proj", outputs: width, inputs: width)
                layerNorm2 = scope.layerNorm("layer_norm2", width: width)
                fc1 = scope.linear("mlp.fc1", outputs: intermediateSize, inputs: width)
                fc2 = scope.linear("mlp.fc2", outputs: width, inputs: intermediateSize)
            }
        }

        let layerNorm1: LayerNorm
        let qProj: LinearWeights
        let kProj: LinearWeights
        let vProj: LinearWeights
        let outProj: LinearWeights
        let layerNorm2: LayerNorm
        let fc1: LinearWeights
        let fc2: LinearWeights
        let heads: Int

        init(_ weights: ModelWeightReader, _ tensors: Tensors, stack: ModelConfiguration.Stack) throws {
            layerNorm1 = try weights.layerNorm(tensors.layerNorm1, epsilon: stack.layerNormEpsilon)
            qProj = try weights.linear(tensors.qProj)
            kProj = try weights.linear(tensors.kProj)
            vProj = try weights.linear(tensors.vProj)
            outProj = try weights.linear(tensors.outProj)
            layerNorm2 = try weights.layerNorm(tensors.layerNorm2, epsilon: stack.layerNormEpsilon)
            fc1 = try weights.linear(tensors.fc1)
            fc2 = try weights.linear(tensors.fc2)
            heads = stack.numHeads
        }

        /// `x [tokens, C]` through the layer; the rows are images of `sequenceLength` tokens each.
        func callAsFunction(_ x: Matrix, sequenceLength: Int) -> Matrix {
            let normed = layerNorm1(x)
            let attended = Attention.multiHead(queries: Gemm.linear(normed, qProj), keys: Gemm.linear(normed, kProj),
                                               values: Gemm.linear(normed, vProj), heads: heads, sequenceLength: sequenceLength)
            let afterAttention = Gemm.linear(attended, outProj, adding: x)
            return Gemm.linear(Gemm.linear(layerNorm2(afterAttention), fc1, then: .geluTanh), fc2, adding: afterAttention)
        }
    }

    let patchEmbedding: PatchEmbedding
    let positionEmbedding: Matrix
    let layers: [Layer]
    let postLayernorm: LayerNorm?

    init(_ weights: ModelWeightReader, _ tensors: Tensors, configuration: SiglipConfiguration) throws {
        patchEmbedding = PatchEmbedding(projection: try weights.linear(tensors.patchEmbedding), patchSize: configuration.patchSize)
        positionEmbedding = try weights.matrix(tensors.positionEmbedding)
        layers = try tensors.layers.map { try Layer(weights, $0, stack: configuration.stack) }
        postLayernorm = try tensors.postLayernorm.map { try weights.layerNorm($0, epsilon: configuration.stack.layerNormEpsilon) }
    }

    /// `F_sig [B * N, C]` of `B` preprocessed images of one size, image after image.
    func callAsFunction(_ images: [ImageTensor]) -> Matrix {
        let (rows, columns) = patchEmbedding.grid(images[0])
        var x = patchEmbedding(images).addingToEachBlock(PositionInterpolation.resize(positionEmbedding, rows: rows, columns: columns))
        for layer in layers { x = layer(x, sequenceLength: rows * columns) }
        return postLayernorm.map { $0(x) } ?? x
    }
}
