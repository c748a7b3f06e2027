import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport

/// `golden/images/png/expected.tsv`, written by `tools/make_png_fixtures.py` from Pillow's
/// pipeline: for each file the RGB image's size and SHA-256, or that it must be rejected.
struct PNGManifest {
    /// One line: `group/name`, then the expected image, or nil for a file to reject.
    struct Entry {
        let file: String
        let expected: (width: Int, height: Int, sha256: String)?
    }

    let entries: [Entry]

    init() throws {
        let text = String(decoding: try readBytes(RepositoryPaths.golden("images/png/expected.tsv")), as: UTF8.self)
        entries = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 4, let width = Int(fields[1]), let height = Int(fields[2]) else {
                return Entry(file: fields[0], expected: nil)
            }
            return Entry(file: fields[0], expected: (width, height, fields[3]))
        }
    }

    /// The entries of one group (`pngsuite`, `images` or `fixtures`), with the group
    /// prefix removed from their names.
    func group(_ name: String) -> [Entry] {
        entries.filter { $0.file.hasPrefix(name + "/") }
            .map { Entry(file: String($0.file.dropFirst(name.count + 1)), expected: $0.expected) }
    }
}
