import Foundation
@testable import SemHiTokDatasets
import SemHiTok
import TestSupport
import Testing

/// The tar reader against archives Python's `tarfile` wrote in its three formats
/// (`golden/datasets/`, `tools/make_dataset_fixtures.py`): the same members, names, sizes,
/// kinds and data as `tarfile` reads.
struct TarReaderTests {
    static let folder = RepositoryPaths.golden("datasets")

    /// A member as the fixtures' `expected.json` lists it.
    struct Listed: Equatable, CustomStringConvertible {
        let path: String
        let size: Int
        let kind: String
        let sha256: String
        var description: String { "\(path) (\(size) bytes, \(kind))" }
    }

    static func expected(_ archive: String) throws -> [Listed] {
        let document = try JSONDocument.parse(try readBytes(folder + "/expected.json"))
        let members = try #require(document.object?[archive]?.array)
        return try members.map { member in
            let object = try #require(member.object)
            return Listed(path: try #require(object["path"]?.string), size: Int(try #require(object["size"]?.number?.int64)),
                          kind: try #require(object["kind"]?.string), sha256: try #require(object["sha256"]?.string))
        }
    }

    static func read(_ path: String) throws -> [Listed] {
        let reader = try TarReader(path: path)
        var members: [Listed] = []
        while let member = try reader.next() {
            let data = member.kind == .file ? try reader.readData(maximumSize: 1 << 20) : []
            let kind = switch member.kind {
            case .file: "file"
            case .directory: "directory"
            case .other: "other"
            }
            members.append(Listed(path: member.path, size: member.size, kind: kind, sha256: Hexadecimal.digits(SHA256.digest(data))))
        }
        return members
    }

    @Test(arguments: ["ustar.tar", "gnu.tar", "pax.tar", "base256.tar", "webdataset.tar"])
    func readsWhatTarfileWrote(archive: String) throws {
        #expect(try Self.read(Self.folder + "/" + archive) == Self.expected(archive))
    }

    /// Skipping members (not reading their data) reaches the same later members.
    @Test func skippingDataReachesTheSameMembers() throws {
        let reader = try TarReader(path: Self.folder + "/pax.tar")
        var paths: [String] = []
        while let member = try reader.next() { paths.append(member.path) }
        #expect(paths == (try Self.expected("pax.tar").map(\.path)))
    }

    @Test func aMemberOverTheSizeAskedForIsRefusedUnread() throws {
        let reader = try TarReader(path: Self.folder + "/ustar.tar")
        _ = try reader.next()
        let file = try #require(try reader.next())
        #expect(file.size == 77)
        #expect(throws: TarError(archive: Self.folder + "/ustar.tar", offset: 512, problem: .memberTooLarge(size: 77, limit: 76))) {
            try reader.readData(maximumSize: 76)
        }
    }
}
