import Foundation
import SemHiTok
@testable import SemHiTokCLI
import TestSupport
import Testing

/// `semhitok convert` and the SigLIP-only container it writes without a head, run
/// in-process on a checkpoint made from the tiny model's SigLIP tensors.
struct ConvertCommandTests {
    /// The tiny model and its SigLIP tower as a HuggingFace checkpoint in `folder/checkpoint`.
    private func checkpoint(in folder: TemporaryDirectory) throws -> WeightFile {
        let model = try tinyModelFile(in: folder)
        try SiglipCheckpointFixture(model, style: .prefixed).write(to: folder.file("checkpoint"))
        return model
    }

    @Test func convertWritesASiglipOnlyContainerThatFeaturesRuns() throws {
        let folder = try TemporaryDirectory()
        let model = try checkpoint(in: folder)
        let converted = run("convert", "--siglip", folder.file("checkpoint"), "--siglip-layers", "1", "--dtype", "bf16",
                            "--name", "tower", "-o", folder.file("tower.shw"))
        #expect(converted.status == 0)
        #expect(converted.text == folder.file("tower.shw")
            + ": SigLIP-only container 'tower', 19 tensors, SigLIP layers 0 ..< 1 without post_layernorm, weights bf16")
        let image = RepositoryPaths.golden("images/photo/chelsea.jpg")
        let features = run("features", image, "--stage", "siglip", "--model", folder.file("tower.shw"), "-o", folder.file("f.npy"))
        #expect(features.status == 0)
        #expect(features.text == folder.file("f.npy") + ": float32 [1, 64, 32]")
        #expect(model.fingerprint != (try WeightFile(contentsOf: folder.file("tower.shw")).fingerprint))
    }

    @Test func aSiglipOnlyContainerIsRefusedWhereAModelIsNeeded() throws {
        let folder = try TemporaryDirectory()
        _ = try checkpoint(in: folder)
        #expect(run("convert", "--siglip", folder.file("checkpoint"), "-o", folder.file("tower.shw")).status == 0)
        let image = RepositoryPaths.golden("images/photo/chelsea.jpg")
        for arguments in [["encode", image, "-o", folder.file("t.sht")], ["features", image, "--stage", "semantic", "-o", folder.file("f.npy")]] {
            let result = run(arguments + ["--model", folder.file("tower.shw")])
            #expect(result.status == 1)
            #expect(result.errors.joined().contains("this file holds a SigLIP-only container; a SemHiTok model is needed here"))
        }
    }

    @Test func badOptionsAreUsageErrorsAndBadInputsRuntimeErrors() throws {
        let folder = try TemporaryDirectory()
        #expect(run("convert", "-o", folder.file("x.shw")).status == 2)
        #expect(run("convert", "--siglip", folder.path, "--dtype", "f64", "-o", folder.file("x.shw")).status == 2)
        #expect(run("convert", "--siglip", folder.path, "--siglip-layers", "0", "-o", folder.file("x.shw")).status == 2)
        let missing = run("convert", "--siglip", folder.path, "-o", folder.file("x.shw"))
        #expect(missing.status == 1)
        #expect(missing.errors.joined().contains("no config.json"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.shw")))
    }
}
