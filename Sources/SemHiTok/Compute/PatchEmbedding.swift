/// The patch embedding of a ViT: a convolution whose kernel and stride are both the patch
/// size, computed as one matrix product of the flattened patches with the kernel
/// (Spec/architecture.md section 2, `Conv`).
public struct PatchEmbedding: Sendable {
    /// The kernel as a linear layer: `[channels, 3 * patchSize * patchSize]`, inputs in
    /// (channel, row, column) order, the layout of a PyTorch `Conv2d` weight.
    public let projection: LinearWeights
    /// The side of a patch in pixels.
    public let patchSize: Int

    public init(projection: LinearWeights, patchSize: Int) {
        precondition(projection.inputs == 3 * patchSize * patchSize, "PatchEmbedding: kernel size mismatch")
        self.projection = projection
        self.patchSize = patchSize
    }

    /// One row per patch, `[floor(height / p) * floor(width / p), channels]`, patches in
    /// row-major order. Rows and columns past the last whole patch are not read, as in a
    /// strided convolution.
    public func callAsFunction(_ image: ImageTensor) -> Matrix {
        let p = patchSize
        precondition(image.height >= p && image.width >= p, "PatchEmbedding: image smaller than one patch")
        let (rows, columns) = (image.height / p, image.width / p)
        var patches = [Float](repeating: 0, count: rows * columns * 3 * p * p)
        image.values.withUnsafeBufferPointer { pixels in
            for gy in 0..<rows {
                for gx in 0..<columns {
                    var position = (gy * columns + gx) * 3 * p * p
                    for channel in 0..<3 {
                        for py in 0..<p {
                            let start = (channel * image.height + gy * p + py) * image.width + gx * p
                            for px in 0..<p {
                                patches[position] = pixels[start + px]
                                position += 1
                            }
                        }
                    }
                }
            }
        }
        return Gemm.linear(Matrix(rows: rows * columns, columns: 3 * p * p, values: patches), projection)
    }
}
