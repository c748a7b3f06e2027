/// One tensor of a safetensors file (Spec/safetensors.md section 4): its name, type, shape
/// and where its bytes are.
public struct SafetensorsTensor: Sendable, Equatable {
    /// The name, a key of the header.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// Dimensions, outermost first (row-major); empty for a scalar.
    public let shape: [Int]
    /// Absolute offsets in the file of the tensor's bytes: `data_offsets` plus the start of
    /// the data buffer, `8 + N`. Its length is `elementCount * dtype.elementSize`. Not
    /// necessarily aligned.
    public let byteRange: Range<Int>

    public init(name: String, dtype: SafetensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }

    /// The number of elements: the product of `shape` (1 for a scalar, 0 when a dimension
    /// is 0). The reader has checked that it does not overflow.
    public var elementCount: Int { shape.reduce(1, *) }
}
