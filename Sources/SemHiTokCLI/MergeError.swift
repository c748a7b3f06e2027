import SemHiTok

/// Why `semhitok cat` refuses to merge token files (Spec/datasets.md section 8). Each names
/// the files involved; nothing has been written when one is thrown.
enum MergeError: Error, CustomStringConvertible {
    /// An input whose header differs from the first input's.
    case headerMismatch(first: String, TokenFileHeader, other: String, TokenFileHeader)
    /// A key that an earlier record has too, under `--duplicates error`.
    case duplicateKey(String, first: RecordPlace, again: RecordPlace)
    /// An input with a torn tail or a corrupt record.
    case damaged(TokenFileError)
    /// An input that is a weight container.
    case weightContainer(path: String)
    /// The output is one of the inputs (the same file, by device and inode).
    case outputIsAnInput(output: String, input: String)

    var description: String {
        switch self {
        case .headerMismatch(let first, let firstHeader, let other, let otherHeader):
            "\(other): its header (\(otherHeader)) differs from that of \(first) (\(firstHeader)): "
                + "only token files of one model and grid can be merged"
        case .duplicateKey(let key, let first, let again):
            "duplicate key '\(key)': \(first) and \(again) "
                + "(--duplicates first keeps the first record of each key, --duplicates all keeps every record)"
        case .damaged(let error):
            "\(error): the file is damaged or its writer was interrupted; run the encode that wrote it again "
                + "(it continues where it stopped), or see what it holds with semhitok inspect \(error.path)"
        case .weightContainer(let path):
            "\(path): a weight container, not a token file"
        case .outputIsAnInput(let output, let input):
            "the output \(output) is the input \(input): write the merge to another file"
        }
    }
}
