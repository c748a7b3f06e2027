/// Everything said once about an option: its name, whether and what value it takes, its
/// help, and whether the command needs it. The usage line, the help and the parser all read
/// it, so they cannot disagree.
struct OptionDeclaration: Sendable {
    /// Whether the option takes a value, and how the value is read.
    enum Kind: Sendable {
        /// Takes no value: the option is given or not.
        case flag
        /// Takes a value, called `valueName` in the usage and the help. `read` turns the
        /// option's text (nil when it is not given) into the value the command reads, or
        /// throws the usage error that says what is wrong.
        case value(valueName: String, read: @Sendable (String?) throws -> any Sendable)
    }

    /// How the option is spelled: `-o`, `--model`.
    let name: String
    let kind: Kind
    /// What the option does, as one paragraph: the help wraps it.
    let help: String
    /// What the help adds in parentheses: the values allowed, the default.
    let notes: [String]
    /// Whether the command cannot run without the option: the usage shows it unbracketed.
    let isRequired: Bool

    /// The option and its value name, as the help's left column shows it: `--model FILE`.
    var synopsis: String {
        switch kind {
        case .flag: name
        case .value(let valueName, _): name + " " + valueName
        }
    }

    /// The option as the usage line shows it: `-o OUT`, or `[--size N]` if it may be left out.
    var usage: String {
        isRequired ? synopsis : "[" + synopsis + "]"
    }

    /// The help with its notes: `images computed together (1 to 4096; default: 8)`.
    var fullHelp: String {
        notes.isEmpty ? help : help + " (" + notes.joined(separator: "; ") + ")"
    }
}
