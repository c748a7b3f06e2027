import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok eval`, run in-process with the golden `tiny` model (64 semantic codes of 4
/// pixel codes, an 8 x 8 grid).
struct EvalCommandTests {
    static let photo = RepositoryPaths.golden("images/photo/chelsea.jpg")
    static let pair = RepositoryPaths.golden("quality/noise_64x64_changed.png")
    static let tiny = RepositoryPaths.golden("model/tiny.shw")

    @Test func evalPrintsALinePerImageAndASummary() {
        let result = run("eval", Self.photo, Self.pair, "--model", Self.tiny)
        #expect(result.status == 0)
        #expect(result.output.count == 3)
        #expect(result.output[0].hasPrefix(Self.photo + ": PSNR "))
        #expect(result.output[2].hasPrefix("2 images: mean PSNR "))
        #expect(result.output[2].contains("semantic codes used ") && result.output[2].contains(" of 64, perplexity "))
    }

    /// The JSON lines parse, and the summary's counts add up: 2 images of 64 tokens.
    @Test func jsonOutputIsOneObjectPerLine() throws {
        let result = run("eval", Self.photo, Self.pair, "--model", Self.tiny, "--json")
        #expect(result.status == 0)
        let objects = try result.output.map { try #require(JSONDocument.parse(Array($0.utf8)).object) }
        #expect(objects.count == 3)
        #expect(objects[0]["image"]?.string == Self.photo)
        #expect(objects[1]["psnr"]?.number != nil)
        let summary = objects[2]
        #expect(summary["images"]?.number?.int64 == 2)
        let counts = try #require(summary["pixel_code_counts"]?.array?.compactMap { $0.number?.int64 })
        #expect(counts.count == 4 && counts.reduce(0, +) == 128)
        #expect(summary["semantic_codebook_size"]?.number?.int64 == 64)
    }

    /// The embedded default model on the README's example photograph, which its training
    /// never saw: the reconstruction is recognisable (the README's floor of 18 dB; a
    /// random model gives about 10), and the pixel codes carry at least the 1.5 dB the
    /// README promises.
    @Test func theDefaultModelReconstructsTheExamplePhotograph() throws {
        let result = run("eval", Self.photo, "--json")
        #expect(result.status == 0)
        let line = try #require(result.output.first)
        let image = try #require(JSONDocument.parse(Array(line.utf8)).object)
        let psnr = try #require(image["psnr"]?.number).double
        let withoutPixelCodes = try #require(image["psnr_without_pixel_codes"]?.number).double
        #expect(psnr >= 18)
        #expect(psnr - withoutPixelCodes >= 1.5)
    }

    @Test func anUnreadableImageIsARuntimeError() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(Array("not an image".utf8), to: folder.file("x.png"))
        let result = run("eval", folder.file("x.png"))
        #expect(result.status == 1)
        #expect(result.errors.joined().contains(folder.file("x.png")))
    }
}
