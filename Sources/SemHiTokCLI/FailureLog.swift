import SemHiTok

/// The images of an `encode` run that could not be read (Spec/datasets.md section 5),
/// written next to the token file as JSON lines: `{"key": ..., "ordinal": ..., "reason": ...}`,
/// `ordinal` null for a whole input.
final class FailureLog {
    /// What is appended to the token file's path to name its failure log.
    static let suffix = ".failures.jsonl"

    let path: String
    private var lines: [String] = []

    init(path: String) {
        self.path = path
    }

    var isEmpty: Bool { lines.isEmpty }
    var count: Int { lines.count }

    func add(_ failure: DatasetFailure, ordinal: Int?) {
        lines.append(JSONText.object([("key", JSONText.string(failure.key)), ("ordinal", ordinal.map(String.init) ?? "null"),
                                      ("reason", JSONText.string(failure.reason))]))
    }

    /// Writes the log atomically when it holds failures. With none, a log left by an earlier
    /// run of the same output is removed when `replacing` (the output was replaced too).
    func write(replacing: Bool) throws {
        if lines.isEmpty {
            if replacing { try removeFileIfPresent(path) }
            return
        }
        try AtomicOutputFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: path)
    }
}

/// The end of an `encode` run that skipped images: how many, and where they are listed.
struct FailureSummary: Error, CustomStringConvertible {
    let count: Int
    let log: String

    var description: String {
        "\(count == 1 ? "1 image" : "\(count) images") could not be read and were skipped: see \(log)"
    }
}
