import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// `ImageFile` (Spec/images.md sections 1 and 5): the format comes from the first bytes,
/// never the name; decoding errors name the file; outputs go by extension.
struct ImageFileTests {
    private func format(_ bytes: [UInt8]) -> ImageFile.Format? {
        bytes.withUnsafeBytes { ImageFile.format(of: $0) }
    }

    @Test func theFormatComesFromTheFirstBytes() {
        #expect(format([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(format([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(format(Array("P6\n".utf8)) == .netpbm)
        #expect(format(Array("P5\n".utf8)) == .netpbm)
        #expect(format(Array("GIF89a".utf8)) == .gif)
        #expect(format(Array("GIF87a".utf8)) == .gif)
        #expect(format(Array("GIF88a".utf8)) == nil)
        #expect(format(Array("GIF8".utf8)) == nil)
        #expect(format(Array("BM".utf8)) == .bmp)
        #expect(format(Array("BA".utf8)) == nil)
        #expect(format([0x89, 0x50, 0x4E, 0x47]) == nil)
        #expect(format([]) == nil)
    }

    /// A JPEG named `.png` is still read as the JPEG it is.
    @Test func theNameDoesNotDecideTheFormat() throws {
        let folder = try TemporaryDirectory()
        let jpegs = RepositoryPaths.golden("images/jpeg")
        try writeBytes(try readBytes(jpegs + "/grey_61x47_q75_baseline.jpg"), to: folder.file("looks.png"))
        let expected = try WeightFile(contentsOf: jpegs + "/expected.shw").uint8s("grey_61x47_q75_baseline.jpg")
        #expect(try ImageFile.read(folder.file("looks.png")).pixels == expected.values)
    }

    /// GIF and BMP files are decoded by their decoders, to Pillow's pixels.
    @Test(arguments: [("gif", "craft_offset_frame_transparency.gif"), ("bmp", "craft_rle4.bmp")])
    func gifAndBMPAreRead(_ folder: String, _ name: String) throws {
        let path = RepositoryPaths.golden("images/" + folder)
        let expected = try WeightFile(contentsOf: path + "/expected.shw").uint8s(name)
        #expect(try ImageFile.read(path + "/" + name).pixels == expected.values)
    }

    @Test func anUnknownFormatIsUnsupportedAndNamesTheFile() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(Array("RIFF....AVI LIST".utf8), to: folder.file("a.avi"))
        #expect(throws: ImageError(path: folder.file("a.avi"), problem: .unsupported("not a PNG, JPEG, PPM, PGM, GIF, BMP or WebP file"))) {
            try ImageFile.read(folder.file("a.avi"))
        }
    }

    @Test func outputsGoByExtension() {
        #expect(ImageFile.outputFormat(for: "a/b.PNG") == .png)
        #expect(ImageFile.outputFormat(for: "b.ppm") == .netpbm)
        #expect(ImageFile.outputFormat(for: "b.jpg") == nil)
    }

    /// PNG and PPM outputs read back to the same pixels.
    @Test func writtenImagesReadBack() throws {
        let folder = try TemporaryDirectory()
        let image = RGBImage(width: 5, height: 3, pixels: (0..<45).map { UInt8($0 * 5) })
        for name in ["a.png", "a.ppm"] {
            try ImageFile.write(image, to: folder.file(name))
            #expect(try ImageFile.read(folder.file(name)) == image)
        }
        #expect(throws: ImageError.self) { try ImageFile.write(image, to: folder.file("a.jpg")) }
    }
}
