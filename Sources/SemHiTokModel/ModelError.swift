/// A request the model cannot serve, named so the user can act on it.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An encoding resolution smaller than SigLIP's patch size.
    case invalidResolution(Int, patchSize: Int)
    /// An encoding resolution above the largest the model computes within its memory budget
    /// and the image limits (`SemHiTokModel.resolutions`).
    case resolutionTooLarge(Int, maximum: Int)
    /// A grid whose decoding would need more than the memory budget.
    case gridTooLarge(rows: Int, columns: Int, bytes: Int, budget: Int)
    /// Tokens that do not fill the grid they are said to have.
    case gridMismatch(tokens: Int, rows: Int, columns: Int)
    /// A semantic index outside `0 ..< K`.
    case semanticIndexOutOfRange(index: Int32, codebookSize: Int)
    /// A token id at or above `K * m`.
    case tokenOutOfRange(position: Int, token: UInt32, vocabularySize: Int)
    /// Prepared images of different grids given to one `encode(prepared:)`.
    case mixedPreparedGrids

    public var description: String {
        switch self {
        case .invalidResolution(let size, let patchSize):
            "resolution \(size) is smaller than the patch size \(patchSize)"
        case .resolutionTooLarge(let size, let maximum):
            "resolution \(size) is above \(maximum), the largest this model computes within its memory budget and the image limits"
        case .gridTooLarge(let rows, let columns, let bytes, let budget):
            "a \(rows) x \(columns) grid needs \(bytes) bytes, more than the memory budget of \(budget)"
        case .gridMismatch(let tokens, let rows, let columns):
            "\(tokens) tokens do not fill a \(rows) x \(columns) grid"
        case .semanticIndexOutOfRange(let index, let size):
            "semantic index \(index) is outside 0 ..< \(size)"
        case .tokenOutOfRange(let position, let token, let vocabulary):
            "token \(token) at position \(position) is not below the vocabulary size \(vocabulary)"
        case .mixedPreparedGrids:
            "prepared images of different grids cannot be encoded together"
        }
    }
}
