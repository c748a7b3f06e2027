/// The keys of the records an earlier run wrote, each as often as it occurs: a run that
/// continues skips as many records of each key, the first in the dataset's order, which are
/// the ones the earlier run wrote (Spec/datasets.md section 7). Keys are the same when their
/// UTF-8 bytes are, not merely canonically equivalent as Swift compares strings.
struct KeyCounts {
    private var counts: [[UInt8]: Int] = [:]

    init(_ keys: [String]) {
        for key in keys { counts[Array(key.utf8), default: 0] += 1 }
    }

    /// Whether `key` was there, taking one occurrence of it away.
    mutating func remove(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let count = counts[bytes] else { return false }
        counts[bytes] = count == 1 ? nil : count - 1
        return true
    }
}
