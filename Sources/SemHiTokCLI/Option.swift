/// An option that takes a value (`-o OUT`, `--size=N`), and the type the command reads it as:
/// `Value` itself for an option that is required or has a default, `Value?` for one that may
/// be left out.
struct Option<Value: Sendable>: CommandOption {
    let declaration: OptionDeclaration

    /// `absent` gives the value when the option is not given; `present`, from the value read
    /// from its text.
    private init<Read: Sendable>(_ name: String, _ value: OptionValue<Read>, help: String, notes: [String], isRequired: Bool,
                                 absent: @escaping @Sendable () throws -> Value, present: @escaping @Sendable (Read) -> Value) {
        let read: @Sendable (String?) throws -> any Sendable = { text in
            guard let text else { return try absent() }
            return present(try value.read(text, name))
        }
        declaration = OptionDeclaration(name: name, kind: .value(valueName: value.name, read: read), help: help,
                                        notes: (value.allowed.map { [$0] } ?? []) + notes, isRequired: isRequired)
    }

    /// An option the command cannot run without: leaving it out is a usage error.
    static func required(_ name: String, _ value: OptionValue<Value>, help: String) -> Option {
        Option(name, value, help: help, notes: [], isRequired: true,
               absent: { throw UsageError(message: "\(name) is required") }, present: { $0 })
    }

    /// An option with a default, which the help shows.
    static func optional(_ name: String, _ value: OptionValue<Value>, help: String, default: Value) -> Option {
        Option(name, value, help: help, notes: ["default: \(`default`)"], isRequired: false,
               absent: { `default` }, present: { $0 })
    }

    /// An option that may be left out, read as nil then; `defaultDescription` is what the
    /// help says the command does instead, if that needs saying.
    static func optional<Wrapped>(_ name: String, _ value: OptionValue<Wrapped>, help: String,
                                  defaultDescription: String? = nil) -> Option where Value == Wrapped? {
        Option(name, value, help: help, notes: defaultDescription.map { ["default: \($0)"] } ?? [], isRequired: false,
               absent: { nil }, present: { $0 })
    }
}
