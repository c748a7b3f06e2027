import SemHiTok

/// Typed access to the values of parsed options, with usage errors for bad ones.
extension ParsedArguments {
    /// The integer value of `option` within `range`, or nil if the option was not given.
    func integer(_ option: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[option] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(message: "\(option) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// The value of `option`, which the command requires.
    func required(_ option: String) throws -> String {
        guard let value = values[option] else { throw UsageError(message: "\(option) is required") }
        return value
    }

    /// `items` in consecutive groups of `--batch` (default 8) items.
    func batches<T>(of items: [T]) throws -> [ArraySlice<T>] {
        let size = try integer("--batch", in: 1...4096) ?? 8
        return stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    /// The model named by `--model`, or the embedded default model.
    func model() throws -> SemHiTokModel {
        if let path = values["--model"] { return try SemHiTokModel(contentsOf: path) }
        return try DefaultModel.load()
    }
}
