import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok show`, run in-process with the golden `tiny` model (64 x 64 inputs, an 8 x 8 grid).
struct ShowCommandTests {
    static let tiny = RepositoryPaths.golden("model/tiny.shw")

    @Test func showWritesAPNGSheetWithARowPerImage() throws {
        let folder = try TemporaryDirectory()
        let photo = RepositoryPaths.golden("images/photo/chelsea.jpg")
        let result = run("show", photo, photo, photo, "--model", Self.tiny, "-o", folder.file("sheet.png"))
        #expect(result.status == 0)
        #expect(result.text == folder.file("sheet.png") + ": 808 x 684, 3 images")
        let sheet = try ImageFile.read(folder.file("sheet.png"))
        #expect((sheet.width, sheet.height) == (808, 30 + 3 * 218))
    }

    @Test func showNeedsAnOutput() {
        #expect(run("show", "x.png").status == 2)
    }
}
