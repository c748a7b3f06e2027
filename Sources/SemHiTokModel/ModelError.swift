/// A request the model cannot serve, named so the user can act on it.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An encoding resolution smaller than SigLIP's patch size.
    case invalidResolution(Int, patchSize: Int)
    /// Tokens that do not fill the grid they are said to have.
    case gridMismatch(tokens: Int, rows: Int, columns: Int)
    /// A semantic index outside `0 ..< K`.
    case semanticIndexOutOfRange(index: Int32, codebookSize: Int)
    /// A token id at or above `K * m`.
    case tokenOutOfRange(position: Int, token: UInt32, vocabularySize: Int)

    public var description: String {
        switch self {
        case .invalidResolution(let size, let patchSize):
            "resolution \(size) is smaller than the patch size \(patchSize)"
        case .gridMismatch(let tokens, let rows, let columns):
            "\(tokens) tokens do not fill a \(rows) x \(columns) grid"
        case .semanticIndexOutOfRange(let index, let size):
            "semantic index \(index) is outside 0 ..< \(size)"
        case .tokenOutOfRange(let position, let token, let vocabulary):
            "token \(token) at position \(position) is not below the vocabulary size \(vocabulary)"
        }
    }
}
