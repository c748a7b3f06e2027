/// A row-major float32 matrix: the activations the model passes between its ops, `rows`
/// tokens of `columns` channels each (Spec/architecture.md section 2).
public struct Matrix: Equatable, Sendable {
    /// Number of rows (tokens).
    public let rows: Int
    /// Number of columns (channels).
    public let columns: Int
    /// `rows * columns` values, row by row.
    public var values: [Float]

    /// A matrix over `values`, which must hold `rows * columns` floats.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "Matrix needs rows * columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    /// Row `row` as a slice.
    public func row(_ row: Int) -> ArraySlice<Float> {
        values[(row * columns)..<((row + 1) * columns)]
    }

    /// The same values viewed as `rows x columns`, which must hold as many.
    public func reshaped(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, values: values)
    }

    /// Rows `range`, as a new matrix (one image's tokens of a batch).
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns, values: Array(values[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The rows of `parts`, one after the other (the tokens of a batch of images); every
    /// part has `columns` columns.
    public static func stacking(_ parts: [Matrix], columns: Int) -> Matrix {
        precondition(parts.allSatisfy { $0.columns == columns }, "stacked matrices differ in width")
        return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: columns, values: parts.flatMap(\.values))
    }

    /// `self` plus `block` added to each of its consecutive `block.rows`-row blocks (a
    /// position embedding added to every image of a batch).
    public func addingToEachBlock(_ block: Matrix) -> Matrix {
        precondition(block.columns == columns && block.rows > 0 && rows % block.rows == 0, "block does not tile the matrix")
        var result = values
        for start in stride(from: 0, to: values.count, by: block.values.count) {
            for index in block.values.indices { result[start + index] += block.values[index] }
        }
        return Matrix(rows: rows, columns: columns, values: result)
    }
}
