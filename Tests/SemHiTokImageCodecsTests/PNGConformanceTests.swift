import Foundation
import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Every PNG with expected pixels in `golden/images/png/expected.tsv` decodes to exactly
/// Pillow's RGB (compared by SHA-256), and every corrupt PngSuite file is rejected.
/// PngSuite and the photographs are read from ../shared/testdata, never copied.
struct PNGConformanceTests {
    @Test func decodesEveryFixtureToPillowsPixels() throws {
        let entries = try PNGManifest().group("fixtures")
        #expect(entries.count == 25)
        let mismatches = try entries.compactMap { entry in
            try mismatch(entry, path: RepositoryPaths.golden("images/png/fixtures/" + entry.file))
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) fixtures differ from Pillow:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test(.enabled(if: RepositoryPaths.sharedTestData != nil, Comment(rawValue: RepositoryPaths.sharedTestDataMissing)))
    func decodesEveryValidPngSuiteFileToPillowsPixels() throws {
        let folder = try #require(RepositoryPaths.sharedTestData) + "/pngsuite/png/"
        let entries = try PNGManifest().group("pngsuite").filter { $0.expected != nil }
        #expect(entries.count == 161)
        let mismatches = try entries.compactMap { try mismatch($0, path: folder + $0.file) }
        #expect(mismatches.isEmpty, "\(mismatches.count) PngSuite files differ from Pillow:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test(.enabled(if: RepositoryPaths.sharedTestData != nil, Comment(rawValue: RepositoryPaths.sharedTestDataMissing)))
    func rejectsEveryCorruptPngSuiteFile() throws {
        let folder = try #require(RepositoryPaths.sharedTestData) + "/pngsuite/png/"
        let entries = try PNGManifest().group("pngsuite").filter { $0.expected == nil }
        #expect(entries.count == 14)
        for entry in entries {
            let bytes = try readBytes(folder + entry.file)
            #expect(throws: ImageDecodingProblem.self, "\(entry.file)") { try PNGDecoder.decode(bytes) }
        }
    }

    /// The manifest covers the whole suite, so that no file goes unchecked.
    @Test(.enabled(if: RepositoryPaths.sharedTestData != nil, Comment(rawValue: RepositoryPaths.sharedTestDataMissing)))
    func manifestListsEveryPngSuiteFile() throws {
        let folder = try #require(RepositoryPaths.sharedTestData) + "/pngsuite/png"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }
        #expect(Set(files) == Set(try PNGManifest().group("pngsuite").map(\.file)))
        #expect(files.count == 175)
    }

    @Test(.enabled(if: RepositoryPaths.sharedTestData != nil, Comment(rawValue: RepositoryPaths.sharedTestDataMissing)))
    func decodesThePhotographsToPillowsPixels() throws {
        let folder = try #require(RepositoryPaths.sharedTestData) + "/images/"
        let entries = try PNGManifest().group("images")
        #expect(entries.count == 7)
        let mismatches = try entries.compactMap { try mismatch($0, path: folder + $0.file) }
        #expect(mismatches.isEmpty, "\(mismatches.count) photographs differ from Pillow:\n\(mismatches.joined(separator: "\n"))")
    }

    /// Nil when the file at `path` decodes to the entry's expected image, else a line
    /// naming the file and what differs.
    private func mismatch(_ entry: PNGManifest.Entry, path: String) throws -> String? {
        guard let expected = entry.expected else { return "\(entry.file): listed for rejection" }
        do {
            let image = try PNGDecoder.decode(try readBytes(path))
            if image.width != expected.width || image.height != expected.height {
                return "\(entry.file): \(image.width) x \(image.height), expected \(expected.width) x \(expected.height)"
            }
            let digest = sha256Text(image.pixels)
            return digest == expected.sha256 ? nil : "\(entry.file): pixels differ (SHA-256 \(digest))"
        } catch let problem as ImageDecodingProblem {
            return "\(entry.file): \(problem)"
        }
    }
}
