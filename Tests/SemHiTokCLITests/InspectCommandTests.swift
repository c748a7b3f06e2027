import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok inspect` given several files: each file's report as it is alone, then a summary
/// across the token files; a damaged or unreadable file among them fails the run after every
/// report. (One file alone: `CommandLineTests`.)
struct InspectCommandTests {
    static let example = RepositoryPaths.golden("formats/example.sht")
    static let weights = RepositoryPaths.golden("formats/example.shw")

    static func header() throws -> TokenFileHeader {
        FormatFixtures.exampleTokenHeader(fingerprint: try WeightFile(contentsOf: weights).fingerprint)
    }

    /// A file that repeats the example's first key, with a record of its own.
    static let second = [FormatFixtures.exampleRecords[0], TokenRecord(key: "b.png", gridHeight: 1, gridWidth: 1, tokens: [5])]

    @Test func severalFilesAreReportedInTurnThenSummed() throws {
        let folder = try TemporaryDirectory()
        let header = try Self.header()
        try writeTokenFile(Self.second, header: header, to: folder.file("b.sht"))
        let result = run("inspect", Self.example, Self.weights, folder.file("b.sht"))
        #expect(result.status == 0)
        let alone = [Self.example, Self.weights, folder.file("b.sht")].map { run("inspect", $0).output }
        #expect(result.output == alone[0] + [""] + alone[1] + [""] + alone[2] + [
            "",
            "across 2 token files: 5 records",
            "one header: \(header)",
            "grids: 2 x 3 (2), 1 x 1 (2), 3 x 2 (1)",
            "token ids: 0 to 196607",
            "duplicate keys: 1: 'first.png' (\(Self.example) record 0, \(folder.file("b.sht")) record 0)",
        ])
    }

    /// Files of different headers are inspected (only `cat` refuses them); the summary names
    /// each file whose header is not the first's.
    @Test func differentHeadersAreNamed() throws {
        let folder = try TemporaryDirectory()
        var other = try Self.header()
        other.gridHeight = 8
        try writeTokenFile([Self.second[1]], header: other, to: folder.file("b.sht"))
        let result = run("inspect", Self.example, folder.file("b.sht"))
        #expect(result.status == 0)
        let summary = try #require(result.output.firstIndex { $0.hasPrefix("across ") })
        #expect(Array(result.output[summary...]) == [
            "across 2 token files: 4 records",
            "headers differ from the first file's (\(Self.example): \(try Self.header())):",
            "  \(folder.file("b.sht")): \(other)",
            "grids: 2 x 3 (1), 1 x 1 (2), 3 x 2 (1)",
            "token ids: 0 to 196607",
            "duplicate keys: none",
        ])
    }

    /// A torn file and a missing one among several: every file that can be read is reported,
    /// the summary counts the records read, and the run fails naming both.
    @Test func aDamagedFileAmongSeveralFailsAfterEveryReport() throws {
        let folder = try TemporaryDirectory()
        let torn = RepositoryPaths.golden("formats/example_torn.sht")
        let result = run("inspect", Self.example, torn, folder.file("missing.sht"), Self.weights)
        #expect(result.status == 1)
        #expect(result.output.contains("\(torn): SemHiTok token file, format version 1"))
        #expect(result.output.contains("records: 3 (no index: found by scanning)"))
        #expect(result.output.contains("\(Self.weights): SemHiTok weight container, format version 1"))
        #expect(result.output.contains("across 2 token files: 6 records"))
        #expect(result.errors == [
            "semhitok inspect: error: 2 of 4 files could not be read in full:",
            "  \(torn): torn tail: 10 bytes at offset 200 (incomplete record: it needs 16 bytes, 10 remain)",
            "  \(folder.file("missing.sht")): cannot open: No such file or directory",
        ])
    }
}
