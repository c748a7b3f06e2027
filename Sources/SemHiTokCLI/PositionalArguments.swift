/// The arguments of a command that are not options (`IMAGE...`, `TOKENS`, `DIR`): what the
/// usage calls them and how many the command takes.
struct PositionalArguments: Sendable {
    /// What the usage calls one of them.
    let name: String
    /// How many the command takes.
    let count: ClosedRange<Int>

    init(_ name: String, count: ClosedRange<Int> = 1...1) {
        self.name = name
        self.count = count
    }

    /// For a command that takes only options.
    static let none = PositionalArguments("", count: 0...0)

    /// As the usage line shows them: `FILE`, `IMAGE...`, `[NAME]`; nil if there are none.
    var usage: String? {
        guard count.upperBound > 0 else { return nil }
        let repeated = count.upperBound > 1 ? name + "..." : name
        return count.lowerBound == 0 ? "[" + repeated + "]" : repeated
    }

    /// Checks that `given` arguments are as many as the command takes.
    func check(given: Int) throws {
        guard !count.contains(given) else { return }
        let expected = count.lowerBound == count.upperBound ? "\(count.lowerBound)"
            : count.upperBound == Int.max ? "at least \(count.lowerBound)"
            : "\(count.lowerBound) to \(count.upperBound)"
        // "1 argument" and "at least 1 argument", but "0 arguments" and "1 to 2 arguments".
        let plural = count.lowerBound == 1 && (count.upperBound == 1 || count.upperBound == Int.max) ? "" : "s"
        throw UsageError(message: "expected \(expected) argument\(plural), got \(given)")
    }
}
