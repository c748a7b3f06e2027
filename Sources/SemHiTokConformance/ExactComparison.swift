import SemHiTokSupport

/// Element-wise comparisons for golden checks, reporting each differing position
/// (Spec/conformance.md section 2): at most `limit` lines, then how many more differ.
enum ExactComparison {
    static let limit = 10

    /// Differences between two integer arrays of the check called `name`.
    static func integers<T: BinaryInteger>(_ name: String, expected: [T], actual: [T]) -> [String] {
        report(name, expected: expected, actual: actual, same: ==, show: { "\($0)" })
    }

    /// Differences between two float arrays compared bit for bit (so +0 and -0 differ).
    static func bits(_ name: String, expected: [Float], actual: [Float]) -> [String] {
        report(name, expected: expected, actual: actual, same: { $0.bitPattern == $1.bitPattern },
               show: { "\($0) (\(Hexadecimal.prefixed($0.bitPattern)))" })
    }

    private static func report<T>(_ name: String, expected: [T], actual: [T], same: (T, T) -> Bool,
                                  show: (T) -> String) -> [String] {
        guard expected.count == actual.count else {
            return ["\(name): expected \(expected.count) values, got \(actual.count)"]
        }
        let differing = expected.indices.filter { !same(expected[$0], actual[$0]) }
        var lines = differing.prefix(limit).map {
            "\(name)[\($0)]: expected \(show(expected[$0])), got \(show(actual[$0]))"
        }
        if differing.count > limit { lines.append("\(name): \(differing.count - limit) more positions differ") }
        return lines
    }
}
