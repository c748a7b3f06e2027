/// A command line after parsing: the positional arguments, and the options, which a command
/// reads through the `Flag` or `Option` that declares them, in the type it declares.
struct ParsedArguments {
    var positionals: [String] = []
    /// The names of the flags given.
    var flags: Set<String> = []
    /// The value of every value option the command declares, as its declaration read it:
    /// also for one not given (nil, or the default).
    var values: [String: any Sendable] = [:]

    /// Whether `flag` was given.
    subscript(flag: Flag) -> Bool {
        flags.contains(flag.declaration.name)
    }

    /// The value of `option`, which must be one the command declares.
    subscript<Value>(option: Option<Value>) -> Value {
        guard let stored = values[option.declaration.name], let value = stored as? Value else {
            preconditionFailure("\(option.declaration.name) is not an option of this command")
        }
        return value
    }
}
