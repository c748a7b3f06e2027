import SemHiTok

/// `semhitok inspect FILE...`: what weight containers and token files hold, and whether
/// they are intact; for several files, each file's report and then a summary across the
/// token files. Exits 1 if a file is damaged (a checksum mismatch, a torn tail, a corrupt
/// record) or cannot be read, after printing everything that could be read.
enum InspectCommand {
    /// The options `inspect` takes.
    enum Options {
        static let noVerify = Flag("--no-verify", help: "do not verify tensor checksums (weight containers)")
        static let records = Flag("--records", help: "list every record: number, key, grid (token files)")
    }

    static let spec = CommandSpec(
        name: "inspect",
        summary: "Show what weight containers (.shw) and token files (.sht) hold, and check them.",
        details: """
            For a weight container: format version, model fingerprint, every configuration
            entry, and every tensor with its dtype, shape, size, offset and checksum status.
            For a token file: format version, model fingerprint, K, m, grid, the number of
            records, whether it has an index, the range of token ids, and any torn tail.
            Given several files, it reports each in turn, then, across the token files among
            them: the records in all, whether they share one header (as cat requires), the
            grids, the token ids and the keys that more than one record has.
            """,
        positionals: PositionalArguments("FILE", count: 1...Int.max), options: [Options.noVerify, Options.records], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        var summary = TokenFilesSummary()
        let paths = arguments.positionals
        guard paths.count > 1 else {
            try inspect(paths[0], arguments, console, into: &summary)
            return 0
        }
        var failures: [any Error] = []
        for (number, path) in paths.enumerated() {
            if number > 0 { console.printOutput("") }
            do {
                try inspect(path, arguments, console, into: &summary)
            } catch {
                failures.append(error)
            }
        }
        if summary.fileCount > 0 {
            console.printOutput("")
            summary.lines.forEach(console.printOutput)
        }
        guard failures.isEmpty else { throw DamagedFiles(failures: failures, fileCount: paths.count) }
        return 0
    }

    /// Reports the file at `path`, adding it to `summary` if it is a token file.
    private static func inspect(_ path: String, _ arguments: ParsedArguments, _ console: Console,
                                into summary: inout TokenFilesSummary) throws {
        switch try FileFormat.detect(path: path) {
        case .weights:
            try inspectWeights(path, verify: !arguments[Options.noVerify], console)
        case .tokens:
            try inspectTokens(path, listRecords: arguments[Options.records], console, into: &summary)
        case nil:
            throw FileSystemError(path: path, message: "neither a weight container nor a token file (unknown magic)")
        }
    }

    private static func inspectWeights(_ path: String, verify: Bool, _ console: Console) throws {
        let file = try WeightFile(contentsOf: path, verifyingTensorData: false)
        console.printOutput("\(path): SemHiTok weight container, format version \(WeightFile.formatVersion)")
        console.printOutput("fingerprint: \(Hexadecimal.digits(file.fingerprint))")
        console.printOutput("configuration: \(file.config.count) entries")
        for key in file.config.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            console.printOutput("  \(key) = \(file.config[key]!)")
        }
        let totalBytes = file.tensors.reduce(0) { $0 + $1.byteLength }
        console.printOutput("tensors: \(file.tensors.count), \(totalBytes) bytes")
        var damaged: [String] = []
        let rows = file.tensors.map { tensor -> [String] in
            let status: String
            if !verify {
                status = "not checked"
            } else if file.checksumMatches(tensor) {
                status = "ok"
            } else {
                status = "MISMATCH"
                damaged.append(tensor.name)
            }
            return [tensor.name, tensor.dtype.description, "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]",
                    "\(tensor.byteLength) bytes", "at \(tensor.offset)", "crc \(Hexadecimal.digits(tensor.checksum)) \(status)"]
        }
        table(rows).forEach { console.printOutput("  " + $0) }
        guard damaged.isEmpty else {
            throw WeightFileError(path: path, kind: .tensorChecksumMismatch(tensor: damaged.joined(separator: "', '")))
        }
    }

    private static func inspectTokens(_ path: String, listRecords: Bool, _ console: Console,
                                      into summary: inout TokenFilesSummary) throws {
        let file = try TokenFile(contentsOf: path)
        let header = file.header
        summary.add(header, of: path)
        console.printOutput("\(path): SemHiTok token file, format version \(TokenFileHeader.formatVersion)")
        console.printOutput("model fingerprint: \(header.fingerprintHex)")
        console.printOutput("K \(header.semanticCodebookSize), m \(header.pixelCodebookSize), vocabulary \(header.vocabularySize), "
            + "grid \(header.gridHeight) x \(header.gridWidth)")
        console.printOutput("records: \(file.recordCount) (\(file.hasIndex ? "indexed" : "no index: found by scanning"))")
        var statistics = TokenStatistics()
        var listing: [[String]] = []
        for index in 0..<file.recordCount {
            let record = try file.record(at: index)
            statistics.add(record)
            summary.add(record, at: RecordPlace(path: path, index: index))
            if listRecords { listing.append(["\(index)", "'\(record.key)'", TokenStatistics.grid(of: record)]) }
        }
        statistics.lines.forEach(console.printOutput)
        table(listing).forEach { console.printOutput("  " + $0) }
        if let tail = file.tornTail {
            throw TokenFileError(path: path, kind: .tornTail(tail))
        }
    }

    /// Rows of cells aligned in columns.
    private static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// The end of an `inspect` of several files of which some could not be read in full:
    /// each one's error, naming its file.
    struct DamagedFiles: Error, CustomStringConvertible {
        let failures: [any Error]
        let fileCount: Int

        var description: String {
            (["\(failures.count) of \(fileCount) files could not be read in full:"] + failures.map { "  \($0)" })
                .joined(separator: "\n")
        }
    }
}
