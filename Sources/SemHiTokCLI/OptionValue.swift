/// What an option's value is: what the usage and the help call it, what the help says is
/// allowed, and how its text is read.
struct OptionValue<Value: Sendable>: Sendable {
    /// The value's name in the usage and the help: `FILE`, `N`, `siglip|semantic`.
    let name: String
    /// The values allowed, as the help notes them (`1 to 4096`); nil if any is, or if the
    /// name lists them.
    let allowed: String?
    /// The value of the text given for `option`, or the usage error that names the option and
    /// what it allows.
    let read: @Sendable (_ text: String, _ option: String) throws -> Value
}

extension OptionValue where Value == String {
    /// Any text, such as a path.
    static func text(_ name: String) -> OptionValue<String> {
        OptionValue(name: name, allowed: nil) { text, _ in text }
    }

    /// One of `choices`, which the usage and the help show as the value's name.
    static func choice(_ choices: [String]) -> OptionValue<String> {
        OptionValue(name: choices.joined(separator: "|"), allowed: nil) { text, option in
            guard choices.contains(text) else {
                let listed = choices.count < 2 ? choices.joined()
                    : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
                throw UsageError(message: "\(option) must be \(listed), got '\(text)'")
            }
            return text
        }
    }
}

extension OptionValue where Value: CaseIterable & RawRepresentable<String> {
    /// One of the enumeration's cases, given by its raw value, which the usage and the help
    /// show in the order of the cases.
    static var choice: OptionValue<Value> {
        let text = OptionValue<String>.choice(Value.allCases.map(\.rawValue))
        return OptionValue(name: text.name, allowed: nil) { Value(rawValue: try text.read($0, $1))! }
    }
}

extension OptionValue where Value == Int {
    /// A decimal integer within `range`.
    static func integer(_ name: String = "N", in range: ClosedRange<Int>) -> OptionValue<Int> {
        OptionValue(name: name, allowed: "\(range.lowerBound) to \(range.upperBound)") { text, option in
            guard let value = Int(text), range.contains(value) else {
                throw UsageError(message: "\(option) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return value
        }
    }
}
