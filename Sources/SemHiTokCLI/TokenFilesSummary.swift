import SemHiTok

/// What `inspect` reports across the token files it was given, after each file's own
/// report: how many files and records, whether the files share one header (as `cat`
/// requires), the grids and token ids over all of them, and the records whose key an
/// earlier record already has (those `cat --duplicates first` would leave out).
struct TokenFilesSummary {
    /// How many repeated keys the report names.
    static let shownDuplicates = 5

    private var headers: [(path: String, header: TokenFileHeader)] = []
    private var recordCount = 0
    private var statistics = TokenStatistics()
    private var keys = KeyOccurrences()
    private var duplicateCount = 0
    private var shownDuplicates: [String] = []

    /// How many token files were added.
    var fileCount: Int { headers.count }

    /// Adds the token file at `path`, before its records.
    mutating func add(_ header: TokenFileHeader, of path: String) {
        headers.append((path, header))
    }

    /// Adds a record of the file added last; a record whose key an earlier record has
    /// counts as one duplicate key.
    mutating func add(_ record: TokenRecord, at place: RecordPlace) {
        recordCount += 1
        statistics.add(record)
        guard let earlier = keys.add(record.key, at: place) else { return }
        duplicateCount += 1
        if shownDuplicates.count < Self.shownDuplicates {
            shownDuplicates.append("'\(record.key)' (\(earlier), \(place))")
        }
    }

    /// The report, starting `across N token files: R records`; nothing when no token file
    /// was added.
    var lines: [String] {
        guard let first = headers.first else { return [] }
        var lines = ["across \(counted(headers.count, "token file")): \(counted(recordCount, "record"))"]
        let differing = headers.filter { $0.header != first.header }
        if differing.isEmpty {
            lines.append("one header: \(first.header)")
        } else {
            lines.append("headers differ from the first file's (\(first.path): \(first.header)):")
            lines += differing.map { "  \($0.path): \($0.header)" }
        }
        lines += statistics.lines
        if duplicateCount == 0 {
            lines.append("duplicate keys: none")
        } else {
            let more = duplicateCount > shownDuplicates.count ? ", ..." : ""
            lines.append("duplicate keys: \(duplicateCount): " + shownDuplicates.joined(separator: ", ") + more)
        }
        return lines
    }
}
