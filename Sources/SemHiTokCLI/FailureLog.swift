import SemHiTok

/// The images of an `encode` run that could not be read (Spec/datasets.md section 5),
/// written next to the token file as JSON lines: `{"key": ..., "ordinal": ..., "reason": ...}`,
/// `ordinal` null for a whole input. Lines go to a temporary file as they come, so memory
/// stays flat; `commit()` puts it in place of the log of an earlier run of the same output,
/// whose failures this run tried again.
final class FailureLog {
    /// What is appended to the token file's path to name its failure log.
    static let suffix = ".failures.jsonl"

    let path: String
    private var file: AtomicOutputFile?
    private(set) var count = 0

    init(path: String) {
        self.path = path
    }

    func add(_ failure: DatasetFailure, ordinal: Int?) throws {
        let line = JSONText.object([("key", JSONText.string(failure.key)), ("ordinal", ordinal.map(String.init) ?? "null"),
                                    ("reason", JSONText.string(failure.reason))])
        let output = try file ?? AtomicOutputFile(destination: path)
        file = output
        try output.descriptor.write(Array((line + "\n").utf8))
        count += 1
    }

    /// Puts the log in place; with no failures, removes a log an earlier run left.
    func commit() throws {
        guard let file else { return try removeFileIfPresent(path) }
        try file.commit()
    }
}

/// The end of an `encode` run that skipped images: how many, and where they are listed.
struct FailureSummary: Error, CustomStringConvertible {
    let count: Int
    let log: String

    var description: String {
        "\(counted(count, "image")) could not be read and were skipped: see \(log)"
    }
}
