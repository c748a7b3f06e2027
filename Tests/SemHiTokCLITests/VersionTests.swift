import Testing
import SemHiTok
@testable import SemHiTokCLI
import TestSupport

/// `semhitok --version`: the package version and the versions of the file formats it reads.
struct VersionTests {
    @Test func versionNamesThePackageAndTheFormats() {
        let result = run("--version")
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        #expect(result.output == ["semhitok \(SemHiTokVersion.string) (weight container format \(WeightFile.formatVersion), "
            + "token file format \(TokenFileHeader.formatVersion))"])
    }

    /// The format versions printed are those the golden files carry: a u32 at byte 8 of a
    /// weight container (Spec/weights.md) and of a token file (Spec/tokens.md).
    @Test func theFormatVersionsAreThoseOfTheFilesItReads() throws {
        let weights = try readBytes(RepositoryPaths.golden("formats/example.shw")).littleEndian(at: 8, as: UInt32.self)
        let tokens = try readBytes(RepositoryPaths.golden("formats/example.sht")).littleEndian(at: 8, as: UInt32.self)
        let line = try #require(run("--version").output.first)
        #expect(line.hasSuffix("(weight container format \(weights), token file format \(tokens))"))
    }

    /// The package version is MAJOR.MINOR.PATCH.
    @Test func thePackageVersionIsThreeNumbers() {
        let parts = SemHiTokVersion.string.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    }

    @Test func theOverviewMentionsVersion() {
        #expect(run("--help").text.contains("semhitok --help | --version"))
        #expect(run("--help").text.contains("'semhitok --version'"))
    }
}
