/// An `encode` run that stopped before the end (an error, `--strict` and a bad image, a full
/// disk, SIGINT or SIGTERM), after its token file was indexed where it is: the cause, and
/// what the file holds now (Spec/datasets.md section 7). Running the command again continues.
struct StoppedEncoding: Error, CustomStringConvertible {
    /// The file written: the output or its `.partial` file.
    let path: String
    let cause: any Error
    let earlierRecordCount: Int
    let addedCount: Int
    /// The keys of the first records added, in order.
    let firstAddedKeys: [String]

    /// How many added keys the message names.
    static let keysShown = 5

    var description: String {
        let again = "; run the same command again to continue"
        if addedCount == 0 && earlierRecordCount == 0 { return "\(cause)" }
        guard addedCount > 0 else {
            return "\(cause)\n\(path) is unchanged: its \(counted(earlierRecordCount, "record")), indexed\(again)"
        }
        let shown = firstAddedKeys.map { "'\($0)'" }.joined(separator: ", ") + (addedCount > firstAddedKeys.count ? ", ..." : "")
        return "\(cause)\n\(path) holds its \(earlierRecordCount) earlier \(earlierRecordCount == 1 ? "record" : "records") and \(addedCount) new "
            + "(\(shown)), indexed\(again)"
    }
}
