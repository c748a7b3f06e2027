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

    /// The grid of `image`: `floor(height / p)` rows and `floor(width / p)` columns.
    public func grid(_ image: ImageTensor) -> (rows: Int, columns: Int) {
        (image.height / patchSize, image.width / patchSize)
    }

    /// One row per patch, `[floor(height / p) * floor(width / p), channels]`, patches in
    /// row-major order. Rows and columns past the last whole patch are not read, as in a
    /// strided convolution.
    public func callAsFunction(_ image: ImageTensor) -> Matrix {
        self([image])
    }

    /// The rows of every image of one size, image after image, from one matrix product.
    public func callAsFunction(_ images: [ImageTensor]) -> Matrix {
        let p = patchSize
        let (height, width) = (images[0].height, images[0].width)
        precondition(height >= p && width >= p, "PatchEmbedding: image smaller than one patch")
        precondition(images.allSatisfy { $0.height == height && $0.width == width }, "PatchEmbedding: images differ in size")
        let (rows, columns) = grid(images[0])
        let patchLength = 3 * p * p
        var patches = [Float](repeating: 0, count: images.count * rows * columns * patchLength)
        for (index, image) in images.enumerated() {
            image.values.withUnsafeBufferPointer { pixels in
                var position = index * rows * columns * patchLength
                for gy in 0..<rows {
                    for gx in 0..<columns {
                        for channel in 0..<3 {
                            for py in 0..<p {
                                let start = (channel * height + gy * p + py) * width + gx * p
                                for px in 0..<p {
                                    patches[position] = pixels[start + px]
                                    position += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return Gemm.linear(Matrix(rows: images.count * rows * columns, columns: patchLength, values: patches), projection)
    }
}
