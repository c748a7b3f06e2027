/// A record's place among several token files, as messages name it: `a.sht record 3`.
struct RecordPlace: Equatable, CustomStringConvertible {
    let path: String
    /// The record's number in its file, from 0.
    let index: Int

    var description: String { "\(path) record \(index)" }
}

/// Where each key first occurs over a sequence of records, possibly from several token
/// files: finds the records whose key an earlier record already has (the duplicates `cat`
/// refuses or skips and `inspect` reports). Keys are the same when their UTF-8 bytes are
/// (Spec/datasets.md section 8), not merely canonically equivalent as Swift compares strings.
struct KeyOccurrences {
    private var first: [[UInt8]: RecordPlace] = [:]

    /// Notes `key` at `place`; returns where the key first occurred if an earlier record has
    /// it, nil if this is its first occurrence.
    mutating func add(_ key: String, at place: RecordPlace) -> RecordPlace? {
        let bytes = Array(key.utf8)
        if let earlier = first[bytes] { return earlier }
        first[bytes] = place
        return nil
    }
}
