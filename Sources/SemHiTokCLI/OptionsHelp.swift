/// The options section of a command's help: each option's synopsis, then its help in a
/// column that starts three spaces after the longest synopsis, wrapped to the line width.
enum OptionsHelp {
    /// The width the help is wrapped to: that of a default terminal.
    static let lineWidth = 80

    /// The section's lines, one option after another in the order given.
    static func lines(for declarations: [OptionDeclaration]) -> [String] {
        let column = 2 + (declarations.map(\.synopsis.count).max() ?? 0) + 3
        return declarations.flatMap { declaration in
            let first = "  " + declaration.synopsis + String(repeating: " ", count: column - 2 - declaration.synopsis.count)
            return wrap(declaration.fullHelp, width: lineWidth - column).enumerated().map { index, line in
                (index == 0 ? first : String(repeating: " ", count: column)) + line
            }
        }
    }

    /// The words of `text` in lines of at most `width` characters; a longer word has a line
    /// of its own.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        return lines + [line]
    }
}
