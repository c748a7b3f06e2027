/// The tensors a model of a configuration has, with their shapes (Spec/architecture.md
/// section 4), in a fixed order: what `semhitok init` writes and what loading checks.
extension ModelConfiguration {
    /// Every tensor name and shape.
    public var tensorShapes: [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        func linear(_ prefix: String, _ outputs: Int, _ inputs: Int) {
            shapes.append((prefix + ".weight", [outputs, inputs]))
            shapes.append((prefix + ".bias", [outputs]))
        }
        func norm(_ prefix: String, _ width: Int) {
            shapes.append((prefix + ".weight", [width]))
            shapes.append((prefix + ".bias", [width]))
        }
        func timmBlocks(_ prefix: String, _ stack: Stack) {
            let c = stack.hiddenSize
            for layer in 0..<stack.numLayers {
                let block = "\(prefix).blocks.\(layer)"
                norm(block + ".norm1", c)
                linear(block + ".attn.qkv", 3 * c, c)
                linear(block + ".attn.proj", c, c)
                norm(block + ".norm2", c)
                linear(block + ".mlp.fc1", 4 * c, c)
                linear(block + ".mlp.fc2", c, 4 * c)
            }
        }
        let (c, p, g2) = (siglip.hiddenSize, siglipPatchSize, gridSize * gridSize)
        let tower = "siglip.vision_model"
        shapes.append((tower + ".embeddings.patch_embedding.weight", [c, 3, p, p]))
        shapes.append((tower + ".embeddings.patch_embedding.bias", [c]))
        shapes.append((tower + ".embeddings.position_embedding.weight", [g2, c]))
        for layer in 0..<siglip.numLayers {
            let prefix = "\(tower).encoder.layers.\(layer)"
            norm(prefix + ".layer_norm1", c)
            for projection in ["q_proj", "k_proj", "v_proj", "out_proj"] { linear("\(prefix).self_attn.\(projection)", c, c) }
            norm(prefix + ".layer_norm2", c)
            linear(prefix + ".mlp.fc1", siglipIntermediateSize, c)
            linear(prefix + ".mlp.fc2", c, siglipIntermediateSize)
        }
        if siglipPostLayerNorm { norm(tower + ".post_layernorm", c) }

        linear("semantic_quantizer.proj.0", semanticProjectionSize, c)
        linear("semantic_quantizer.proj.2", semanticCodeSize, semanticProjectionSize)
        shapes.append(("semantic_quantizer.codebook", [semanticCodebookSize, semanticCodeSize]))

        let sd = semanticDecoder.hiddenSize
        linear("semantic_decoder.input_proj", sd, semanticCodeSize)
        shapes.append(("semantic_decoder.pos_embed", [g2, sd]))
        timmBlocks("semantic_decoder", semanticDecoder)
        norm("semantic_decoder.norm", sd)
        linear("semantic_decoder.head.0", sd, sd)
        linear("semantic_decoder.head.2", c, sd)

        let (pe, pp) = (pixelEncoder.hiddenSize, pixelPatchSize)
        shapes.append(("pixel_encoder.patch_embed.proj.weight", [pe, 3, pp, pp]))
        shapes.append(("pixel_encoder.patch_embed.proj.bias", [pe]))
        shapes.append(("pixel_encoder.pos_embed", [g2, pe]))
        timmBlocks("pixel_encoder", pixelEncoder)
        norm("pixel_encoder.norm", pe)
        linear("pixel_encoder.code_proj", pixelCodeSize, pe)
        shapes.append(("pixel_quantizer.codebook", [semanticCodebookSize, pixelCodebookSize, pixelCodeSize]))

        let pd = pixelDecoder.hiddenSize
        linear("pixel_decoder.input_proj", pd, semanticCodeSize + pixelCodeSize)
        shapes.append(("pixel_decoder.pos_embed", [g2, pd]))
        timmBlocks("pixel_decoder", pixelDecoder)
        norm("pixel_decoder.norm", pd)
        linear("pixel_decoder.head", pp * pp * 3, pd)
        return shapes
    }
}
