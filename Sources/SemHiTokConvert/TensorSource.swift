import SemHiTokFormats
import SemHiTokQuantization
import SemHiTokSafetensors

/// Where one tensor of the container comes from, and how it is stored (Spec/convert.md
/// section 6): read from a safetensors file (F32, F16 or BF16, widened exactly), rows
/// normalised when it is a cosine codebook, and rounded to the storage type to the
/// nearest, ties to even. Its bytes are made only when the container is written.
struct TensorSource: Sendable {
    let file: SafetensorsFile
    let tensor: SafetensorsTensor
    /// The container's type for the tensor.
    let storage: DType
    /// Whether the rows (the last dimension) are normalised with `normalize` of
    /// Spec/quantization.md.
    let normalizesRows: Bool

    /// The dtypes a source tensor may have.
    static let readableTypes: [SafetensorsDType] = [.F32, .F16, .BF16]

    /// The bytes the container stores.
    func bytes() throws -> [UInt8] {
        let raw = file.bytes(of: tensor)
        defer { file.releasePages(of: tensor) }
        if !normalizesRows, sourceType == storage { return Array(raw) }
        var values = sourceType.floats(from: raw, count: tensor.elementCount)
        if normalizesRows {
            guard values.allSatisfy(\.isFinite) else {
                throw ConvertError(path: file.path, kind: .nonFiniteCodebook(tensor: tensor.name))
            }
            let rowLength = tensor.shape.last ?? 1
            values = stride(from: 0, to: values.count, by: max(rowLength, 1)).flatMap {
                ReferenceSearch.normalize(values[$0..<($0 + rowLength)])
            }
        }
        return storage.bytes(of: values)
    }

    /// The weight container type that holds the source's values exactly.
    private var sourceType: DType {
        switch tensor.dtype {
        case .F16: .f16
        case .BF16: .bf16
        default: .f32
        }
    }
}
