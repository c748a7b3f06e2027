/// An option that takes no value (`--append`): the command reads whether it was given.
struct Flag: CommandOption {
    let declaration: OptionDeclaration

    init(_ name: String, help: String) {
        declaration = OptionDeclaration(name: name, kind: .flag, help: help, notes: [], isRequired: false)
    }
}
