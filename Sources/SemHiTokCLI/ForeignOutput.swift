import SemHiTok

/// An `encode` output the run cannot continue: not a token file, damaged, or made by another
/// model or at another size.
struct ForeignOutput: Error, CustomStringConvertible {
    let cause: TokenFileError

    var description: String { "\(cause)\nthis run cannot continue that file; to start again and replace it, pass \(EncodeCommand.Options.overwrite.declaration.name)" }
}
