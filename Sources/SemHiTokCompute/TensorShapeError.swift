/// Values that do not fill the shape they are given: a count that does not match, or a
/// dimension below 1.
public struct TensorShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What the shape needs and what was given.
    public let detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { "shape mismatch: \(detail)" }
}
