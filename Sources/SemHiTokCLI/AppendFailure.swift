/// A failed `encode --append`, after the token file was indexed again: the cause, and what
/// the file holds now (Spec/tokens.md section 4).
struct AppendFailure: Error, CustomStringConvertible {
    let path: String
    let cause: any Error
    let earlierRecordCount: Int
    /// The keys of the records added before the failure, in order.
    let addedKeys: [String]

    var description: String {
        let plural = earlierRecordCount == 1 ? "" : "s"
        guard !addedKeys.isEmpty else {
            return "\(cause)\n\(path) is unchanged: its \(earlierRecordCount) record\(plural), indexed"
        }
        let shown = addedKeys.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (addedKeys.count > 5 ? ", ..." : "")
        return "\(cause)\n\(path) holds its \(earlierRecordCount) earlier record\(plural) and \(addedKeys.count) new "
            + "(\(shown)), indexed"
    }
}
