import Foundation
import Testing
import SemHiTok
@testable import SemHiTokCLI
import TestSupport

/// `encode`, `decode`, `features`, `init` and `image`, run in-process on the golden model
/// cases, whose expected values come from the PyTorch reference (`tools/`), and on the
/// golden image fixtures, whose expected pixels come from Pillow.
struct ModelCommandTests {
    static let model = RepositoryPaths.golden("model")
    static let tinyModel = model + "/tiny.shw"
    static let cases = ["tiny_coffee_80x60", "tiny_gravel_64x64", "tiny_retina_100x75"]

    /// A golden case's input written as a PPM file (lossless), and the case.
    private func caseInput(_ name: String, in folder: TemporaryDirectory) throws -> (path: String, golden: WeightFile) {
        let golden = try WeightFile(contentsOf: Self.model + "/" + name + ".shw")
        let (pixels, shape) = try golden.uint8s("input")
        let path = folder.file(name + ".ppm")
        try writeBytes(PPMEncoder.encode(RGBImage(width: shape[1], height: shape[0], pixels: pixels)), to: path)
        return (path, golden)
    }

    // MARK: - encode

    /// One record per image, in order, keyed by the path, with the reference's tokens.
    @Test func encodeWritesTheReferenceTokensForEachImage() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.cases.map { try caseInput($0, in: folder) }
        let result = run(["encode"] + inputs.map(\.path) + ["--model", Self.tinyModel, "-o", folder.file("out.sht")])
        #expect(result.status == 0)
        let tokens = try TokenFile(contentsOf: folder.file("out.sht"))
        #expect(tokens.recordCount == 3)
        #expect(tokens.header.modelFingerprint == (try WeightFile(contentsOf: Self.tinyModel).fingerprint))
        #expect((tokens.header.semanticCodebookSize, tokens.header.pixelCodebookSize) == (64, 4))
        for (index, input) in inputs.enumerated() {
            let record = try tokens.record(at: index)
            #expect(record.key == input.path)
            #expect((record.gridHeight, record.gridWidth) == (8, 8))
            #expect(record.tokens == (try input.golden.int32s("expected.tokens").values.map { UInt32($0) }))
        }
    }

    /// Without `--model` the embedded default, the trained `demo` model, is used: its
    /// fingerprint, and the codebooks and 16 x 16 grid of the `demo` row of Spec/architecture.md
    /// section 6. (`tools/test_demo_model.py` checks its tokens against the PyTorch reference.)
    @Test func encodeUsesTheEmbeddedModelByDefault() throws {
        let folder = try TemporaryDirectory()
        let input = try caseInput("tiny_coffee_80x60", in: folder)
        #expect(run("encode", input.path, "-o", folder.file("out.sht")).status == 0)
        let tokens = try TokenFile(contentsOf: folder.file("out.sht"))
        #expect(tokens.header.modelFingerprint == (try WeightFile(contentsOf: DefaultModel.path).fingerprint))
        #expect((tokens.header.semanticCodebookSize, tokens.header.pixelCodebookSize) == (1024, 8))
        let record = try tokens.record(at: 0)
        #expect((record.gridHeight, record.gridWidth) == (16, 16))
        #expect(record.tokens.allSatisfy { $0 < 1024 * 8 })
    }

    /// An image's tokens do not depend on the other images of the run.
    @Test func encodeGivesTheSameTokensWhateverTheBatch() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.cases.map { try caseInput($0, in: folder).path }
        #expect(run(["encode", inputs[1], "--model", Self.tinyModel, "-o", folder.file("alone.sht")]).status == 0)
        #expect(run(["encode", inputs[0], inputs[1], inputs[2], inputs[1], "--model", Self.tinyModel, "-o", folder.file("batch.sht")]).status == 0)
        let alone = try TokenFile(contentsOf: folder.file("alone.sht")).record(at: 0)
        let batch = try TokenFile(contentsOf: folder.file("batch.sht"))
        #expect(try batch.record(at: 1) == alone)
        #expect(try batch.record(at: 3) == alone)
    }

    /// A second run on a finished output adds the records whose keys it lacks, after the
    /// existing ones; a third with the same inputs adds nothing and leaves its bytes.
    @Test func encodeAddsOnlyTheKeysTheOutputLacks() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.cases.map { try caseInput($0, in: folder).path }
        #expect(run("encode", inputs[0], "--model", Self.tinyModel, "-o", folder.file("out.sht")).status == 0)
        let second = run("encode", inputs[1], inputs[0], inputs[2], "--model", Self.tinyModel, "-o", folder.file("out.sht"))
        #expect(second.status == 0)
        #expect(second.output == ["\(folder.file("out.sht")): 2 images encoded, 3 records in the file"])
        #expect(second.errors == ["continuing \(folder.file("out.sht")): 1 record already there"])
        let tokens = try TokenFile(contentsOf: folder.file("out.sht"))
        #expect(try (0..<3).map { try tokens.record(at: $0).key } == [inputs[0], inputs[1], inputs[2]])
        let bytes = try readBytes(folder.file("out.sht"))
        #expect(run("encode", inputs[2], inputs[1], "--model", Self.tinyModel, "-o", folder.file("out.sht")).status == 0)
        #expect(try readBytes(folder.file("out.sht")) == bytes)
    }

    /// `--overwrite` replaces a finished output with this run's records alone.
    @Test func overwriteStartsAgain() throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.cases.map { try caseInput($0, in: folder).path }
        #expect(run("encode", inputs[0], inputs[1], "--model", Self.tinyModel, "-o", folder.file("out.sht")).status == 0)
        #expect(run("encode", inputs[2], "--overwrite", "--model", Self.tinyModel, "-o", folder.file("out.sht")).status == 0)
        let tokens = try TokenFile(contentsOf: folder.file("out.sht"))
        #expect(try (0..<tokens.recordCount).map { try tokens.record(at: $0).key } == [inputs[2]])
    }

    /// An output that is not a token file is left alone, and the error says how to replace it.
    @Test func anOutputThatIsNotATokenFileIsLeftAlone() throws {
        let folder = try TemporaryDirectory()
        let good = try caseInput("tiny_coffee_80x60", in: folder).path
        try writeBytes(Array("keep me".utf8), to: folder.file("out.sht"))
        let result = run("encode", good, "--model", Self.tinyModel, "-o", folder.file("out.sht"))
        #expect(result.status == 1)
        #expect(result.errors == ["semhitok encode: error: \(folder.file("out.sht")): truncated header: the file is 7 bytes, "
            + "a token file starts with 64", "this run cannot continue that file; to start again and replace it, pass --overwrite"])
        #expect(try readBytes(folder.file("out.sht")) == Array("keep me".utf8))
    }

    /// With `--strict` and `--overwrite`, a bad image stops the run with its name; the output
    /// is left untouched, and the records before the bad image wait in OUT.partial.
    @Test func aFailedEncodeLeavesTheOutputUntouched() throws {
        let folder = try TemporaryDirectory()
        let good = try caseInput("tiny_coffee_80x60", in: folder).path
        try writeBytes(Array("P6\n4 4\n255\n".utf8) + [1, 2, 3], to: folder.file("short.ppm"))
        try writeBytes(Array("keep me".utf8), to: folder.file("out.sht"))
        let result = run("encode", good, folder.file("short.ppm"), "--strict", "--overwrite", "--model", Self.tinyModel,
                         "-o", folder.file("out.sht"))
        #expect(result.status == 1)
        #expect(result.errors.count == 2)
        #expect(result.errors.first?.contains(folder.file("short.ppm")) == true)
        #expect(result.errors.last == "\(folder.file("out.sht.partial")) holds its 0 earlier records and 1 new ('\(good)'), "
            + "indexed; run the same command again to continue")
        #expect(try readBytes(folder.file("out.sht")) == Array("keep me".utf8))
        #expect(try TokenFile(contentsOf: folder.file("out.sht.partial")).record(at: 0).key == good)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            == ["out.sht", "out.sht.partial", "short.ppm", "tiny_coffee_80x60.ppm"])
    }

    @Test func encodeAtASizeBelowThePatchIsRefused() throws {
        let folder = try TemporaryDirectory()
        let input = try caseInput("tiny_coffee_80x60", in: folder).path
        let result = run("encode", input, "--size", "7", "--model", Self.tinyModel, "-o", folder.file("out.sht"))
        #expect(result.status == 2)
        // tiny: P = 8, and 8192 (the image limits' square side, grid 1024) needs
        // 4 * (2 * 3 * 8192^2 + 1024^2 * (512 + 576 + 44)) = 6.36e9 bytes, within 8 GiB.
        #expect(result.errors.first == "semhitok encode: --size must be from 8 to 8192 for this model, got 7")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.sht")))
    }

    /// `--size` changes the grid: floor(N / P) squared tokens, recorded in the header.
    @Test func encodeAtAnotherSizeChangesTheGrid() throws {
        let folder = try TemporaryDirectory()
        let input = try caseInput("tiny_coffee_80x60", in: folder).path
        #expect(run("encode", input, "--size", "100", "--model", Self.tinyModel, "-o", folder.file("out.sht")).status == 0)
        let tokens = try TokenFile(contentsOf: folder.file("out.sht"))
        #expect((tokens.header.gridHeight, tokens.header.gridWidth) == (12, 12))
        let record = try tokens.record(at: 0)
        #expect((record.gridHeight, record.gridWidth, record.tokens.count) == (12, 12, 144))
    }

    // MARK: - decode

    /// The reference's tokens decode to its image, within 1 of every byte.
    @Test func decodeWritesTheReferenceReconstruction() throws {
        let folder = try TemporaryDirectory()
        let golden = try WeightFile(contentsOf: Self.model + "/tiny_retina_100x75.shw")
        let writer = try TokenFileWriter.create(at: folder.file("in.sht"), header: TokenFileHeader(
            modelFingerprint: try WeightFile(contentsOf: Self.tinyModel).fingerprint,
            semanticCodebookSize: 64, pixelCodebookSize: 4, gridHeight: 8, gridWidth: 8))
        try writer.write(TokenRecord(key: "photos/retina crop.jpg", gridHeight: 8, gridWidth: 8,
                                     tokens: try golden.int32s("expected.tokens").values.map { UInt32($0) }))
        try writer.finish()

        let result = run("decode", folder.file("in.sht"), "--model", Self.tinyModel, "-o", folder.file("out"))
        #expect(result.status == 0)
        let image = try ImageFile.read(folder.file("out/retina_crop.png"))
        let expected = try golden.uint8s("expected.decoded_image")
        #expect([image.height, image.width, 3] == expected.shape)
        #expect(zip(image.pixels, expected.values).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    /// Tokens from one model do not decode with another: the run fails naming the file.
    @Test func decodeWithAnotherModelFails() throws {
        let folder = try TemporaryDirectory()
        let input = try caseInput("tiny_coffee_80x60", in: folder).path
        #expect(run("encode", input, "--model", Self.tinyModel, "-o", folder.file("in.sht")).status == 0)
        #expect(run("init", "--config", "tiny", "--seed", "1", "-o", folder.file("other.shw")).status == 0)
        let result = run("decode", folder.file("in.sht"), "--model", folder.file("other.shw"), "-o", folder.file("out"))
        #expect(result.status == 1)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.contains(folder.file("in.sht")) == true)
        #expect(result.errors.first?.contains("model mismatch") == true)
    }

    @Test func decodeNamesOutputsAfterTheirKeys() {
        #expect(DecodeCommand.outputName(forKey: "a/b/photo.final.jpg") == "photo.final")
        #expect(DecodeCommand.outputName(forKey: "/x/y/") == "y")
        #expect(DecodeCommand.outputName(forKey: "héllo wörld.png") == "h_llo_w_rld")
        #expect(DecodeCommand.outputName(forKey: ".hidden") == ".hidden")
    }

    // MARK: - features

    /// `--stage siglip` and `--stage semantic` write the reference's features as `.npy`
    /// float32 `[images, tokens, channels]`, within the golden tolerance.
    @Test(arguments: [("siglip", "expected.siglip_features"), ("semantic", "expected.semantic_features")])
    func featuresWritesTheReferenceFeatures(stage: String, tensor: String) throws {
        let folder = try TemporaryDirectory()
        let inputs = try Self.cases.prefix(2).map { try caseInput($0, in: folder) }
        let result = run(["features"] + inputs.map(\.path) + ["--stage", stage, "--model", Self.tinyModel, "-o", folder.file("f.npy")])
        #expect(result.status == 0)
        let bytes = try readBytes(folder.file("f.npy"))
        // NumPy's format 1.0: magic, version 1.0, the header length, then the header dict
        // padded with spaces and a newline so that the data starts at byte 128.
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 64, 32), }"
        let headerLength = 128 - 10
        #expect(Array(bytes[0..<10]) == [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(headerLength), 0])
        #expect(String(decoding: bytes[10..<128], as: UTF8.self)
            == dictionary + String(repeating: " ", count: headerLength - dictionary.utf8.count - 1) + "\n")
        #expect(bytes.count == 128 + 2 * 64 * 32 * 4)
        for (index, input) in inputs.enumerated() {
            let expected = try input.golden.floats(tensor).values
            let start = 128 + index * 64 * 32 * 4
            let actual = (0..<(64 * 32)).map { Float(bitPattern: bytes.littleEndian(at: start + 4 * $0, as: UInt32.self)) }
            let largest = expected.map(abs).max() ?? 0
            #expect(zip(actual, expected).allSatisfy { abs($0 - $1) <= 1e-4 * largest })
        }
    }

    @Test func featuresNeedsAKnownStage() throws {
        let folder = try TemporaryDirectory()
        let result = run("features", "x.png", "--stage", "pixel", "-o", folder.file("f.npy"))
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok features: --stage must be siglip or semantic, got 'pixel'")
    }

    // MARK: - init

    /// The Swift initialiser writes the bytes the Python one wrote (`tools/semhitok_init.py`).
    @Test func initWritesTheSameModelAsThePythonInitializer() throws {
        let folder = try TemporaryDirectory()
        #expect(run("init", "--config", "tiny", "--seed", "0", "-o", folder.file("tiny.shw")).status == 0)
        #expect(try readBytes(folder.file("tiny.shw")) == (try readBytes(Self.tinyModel)))
    }

    @Test func initRefusesAnUnknownConfiguration() throws {
        let folder = try TemporaryDirectory()
        let result = run("init", "--config", "huge", "--seed", "0", "-o", folder.file("m.shw"))
        #expect(result.status == 2)
        #expect(result.errors.first?.hasPrefix("semhitok init: unknown configuration 'huge'; known: tiny, demo, base-test") == true)
    }

    // MARK: - image

    /// A JPEG comes out as the RGB Pillow gives for it.
    @Test func imageWritesWhatPillowDecodes() throws {
        let folder = try TemporaryDirectory()
        let jpegs = RepositoryPaths.golden("images/jpeg")
        let expected = try WeightFile(contentsOf: jpegs + "/expected.shw").uint8s("craft_440_progressive.jpg")
        let result = run("image", jpegs + "/craft_440_progressive.jpg", "-o", folder.file("out.png"))
        #expect(result.status == 0)
        #expect(result.output == [folder.file("out.png") + ": 61 x 47"])
        let image = try ImageFile.read(folder.file("out.png"))
        #expect([image.height, image.width, 3] == expected.shape)
        #expect(image.pixels == expected.values)
    }

    /// `--size` applies the preprocessing resize: Pillow's bicubic bytes.
    @Test func imageResizesAsPillowDoes() throws {
        let folder = try TemporaryDirectory()
        let golden = try WeightFile(contentsOf: RepositoryPaths.golden("preprocessing/resize_up_square.shw"))
        let (pixels, shape) = try golden.uint8s("input")
        try writeBytes(PPMEncoder.encode(RGBImage(width: shape[1], height: shape[0], pixels: pixels)), to: folder.file("in.ppm"))
        #expect(run("image", folder.file("in.ppm"), "--size", "20", "-o", folder.file("out.ppm")).status == 0)
        #expect(try ImageFile.read(folder.file("out.ppm")).pixels == (try golden.uint8s("expected.output").values))
    }

    @Test func imageNeedsAPNGOrPPMOutput() throws {
        let result = run("image", "in.png", "-o", "out.jpg")
        #expect(result.status == 2)
        #expect(result.errors.first == "semhitok image: -o must name a .png or .ppm file")
    }

    @Test func imageOfAnUnknownFormatFailsNamingTheFile() throws {
        let folder = try TemporaryDirectory()
        try writeBytes(Array("GIF89a".utf8), to: folder.file("in.gif"))
        let result = run("image", folder.file("in.gif"), "-o", folder.file("out.png"))
        #expect(result.status == 1)
        #expect(result.errors.first?.contains(folder.file("in.gif")) == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.png")))
    }
}
