/// An option as a command lists it: a `Flag` or an `Option` of any value type, seen through
/// the declaration that the usage line, the help and the parser are derived from.
protocol CommandOption: Sendable {
    var declaration: OptionDeclaration { get }
}
