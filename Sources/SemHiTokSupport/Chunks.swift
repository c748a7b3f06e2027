extension Array {
    /// The elements in consecutive slices of `size` (the last may be shorter).
    package func chunks(of size: Int) -> [ArraySlice<Element>] {
        precondition(size >= 1, "chunks of \(size)")
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
