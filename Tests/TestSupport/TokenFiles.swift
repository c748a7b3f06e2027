import SemHiTok

/// Writes a finished token file of `records` under `header` at `path`, as `TokenFileWriter`
/// writes one.
public func writeTokenFile(_ records: [TokenRecord], header: TokenFileHeader, to path: String) throws {
    let writer = try TokenFileWriter.create(at: path, header: header)
    try records.forEach(writer.write)
    try writer.finish()
}

/// Every record of the token file at `path`, in order.
public func tokenRecords(_ path: String) throws -> [TokenRecord] {
    let file = try TokenFile(contentsOf: path)
    return try (0..<file.recordCount).map(file.record(at:))
}
