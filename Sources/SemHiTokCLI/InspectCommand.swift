import SemHiTok

/// `semhitok inspect FILE`: what a weight container or token file holds, and whether it
/// is intact. Exits 1 if the file is damaged (a checksum mismatch, a torn tail, a corrupt
/// record), after printing everything that could be read.
enum InspectCommand {
    /// The options `inspect` takes.
    enum Options {
        static let noVerify = Flag("--no-verify", help: "do not verify tensor checksums (weight containers)")
        static let records = Flag("--records", help: "list every record: number, key, grid (token files)")
    }

    static let spec = CommandSpec(
        name: "inspect",
        summary: "Show what a weight container (.shw) or token file (.sht) holds, and check it.",
        details: """
            For a weight container: format version, model fingerprint, every configuration
            entry, and every tensor with its dtype, shape, size, offset and checksum status.
            For a token file: format version, model fingerprint, K, m, grid, the number of
            records, whether it has an index, the range of token ids, and any torn tail.
            """,
        positionals: PositionalArguments("FILE"), options: [Options.noVerify, Options.records], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let path = arguments.positionals[0]
        switch try FileFormat.detect(path: path) {
        case .weights:
            return try inspectWeights(path, verify: !arguments[Options.noVerify], console)
        case .tokens:
            return try inspectTokens(path, listRecords: arguments[Options.records], console)
        case nil:
            throw FileSystemError(path: path, message: "neither a weight container nor a token file (unknown magic)")
        }
    }

    private static func inspectWeights(_ path: String, verify: Bool, _ console: Console) throws -> Int32 {
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
        return 0
    }

    private static func inspectTokens(_ path: String, listRecords: Bool, _ console: Console) throws -> Int32 {
        let file = try TokenFile(contentsOf: path)
        let header = file.header
        console.printOutput("\(path): SemHiTok token file, format version \(TokenFileHeader.formatVersion)")
        console.printOutput("model fingerprint: \(header.fingerprintHex)")
        console.printOutput("K \(header.semanticCodebookSize), m \(header.pixelCodebookSize), vocabulary \(header.vocabularySize), "
            + "grid \(header.gridHeight) x \(header.gridWidth)")
        console.printOutput("records: \(file.recordCount) (\(file.hasIndex ? "indexed" : "no index: found by scanning"))")
        var grids: [String: Int] = [:]
        var gridOrder: [String] = []
        var smallest = UInt32.max
        var largest = UInt32.min
        var listing: [[String]] = []
        for index in 0..<file.recordCount {
            let record = try file.record(at: index)
            let grid = "\(record.gridHeight) x \(record.gridWidth)"
            if grids[grid] == nil { gridOrder.append(grid) }
            grids[grid, default: 0] += 1
            smallest = min(smallest, record.tokens.min()!)
            largest = max(largest, record.tokens.max()!)
            if listRecords { listing.append(["\(index)", "'\(record.key)'", grid]) }
        }
        if file.recordCount > 0 {
            console.printOutput("grids: " + gridOrder.map { "\($0) (\(grids[$0]!))" }.joined(separator: ", "))
            console.printOutput("token ids: \(smallest) to \(largest)")
        }
        table(listing).forEach { console.printOutput("  " + $0) }
        if let tail = file.tornTail {
            throw TokenFileError(path: path, kind: .tornTail(tail))
        }
        return 0
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
}
