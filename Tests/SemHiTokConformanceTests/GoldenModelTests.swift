import Foundation
import SemHiTok
@testable import SemHiTokConformance
import TestSupport
import Testing

/// Every golden case in `golden/model/` (the PyTorch reference of `tools/`, written by
/// `tools/make_model_golden.py`) passes: preprocessing bit for bit, the lookups exactly,
/// floats within the case's tolerance, decoded bytes within 1 (Spec/conformance.md
/// section 5); and the runner notices when any of these is off.
struct GoldenModelTests {
    static let directory = RepositoryPaths.golden("model")
    static let cases = ((try? ConformanceRunner.caseFiles(in: directory)) ?? []).filter { $0 != "tiny.shw" }

    @Test func theTinyAndBaseTestCasesArePresent() {
        #expect(Self.cases.filter { $0.hasPrefix("tiny_") }.count == 3)
        #expect(Self.cases.contains("base_test_astronaut_300x200.shw"))
    }

    @Test(arguments: cases)
    func goldenCasePasses(name: String) {
        let result = ConformanceRunner.run(caseNamed: name, in: Self.directory)
        #expect(result.failures == [])
        #expect(result.reports.count == 5)
    }

    /// The weights the tiny cases name are a fixture, not a case.
    @Test func theTinyModelIsAFixture() {
        #expect(ConformanceRunner.run(caseNamed: "tiny.shw", in: Self.directory).isFixture)
    }

    /// The golden `tiny.shw` (written by the Python initializer) and the Swift initializer's
    /// `tiny` seed 0 are the same bytes.
    @Test func theGoldenTinyModelIsTheSwiftInitializers() throws {
        let golden = try readBytes(Self.directory + "/tiny.shw")
        let folder = try TemporaryDirectory()
        try ModelInitializer.weights(for: try #require(ModelConfiguration.named("tiny")), seed: 0).write(to: folder.file("tiny.shw"))
        #expect(try readBytes(folder.file("tiny.shw")) == golden)
    }

    /// A case whose expected token changes fails at that position (the decoder check
    /// decodes the changed token too, so the image checks may fail as well).
    @Test func aChangedExpectedTokenIsReported() throws {
        let folder = try copyCase("tiny_coffee_80x60.shw")
        try writeChangedCopy(of: Self.directory + "/tiny_coffee_80x60.shw", to: folder.file("changed.shw"),
                             tensor: "expected.tokens") { $0[3 * 4] ^= 0x01 }
        let failures = ConformanceRunner.run(caseNamed: "changed.shw", in: folder.path).failures
        #expect(failures.contains { $0.hasPrefix("expected.tokens[3]: ") })
    }

    /// A float tensor off by more than the tolerance fails, naming the tensor and the error.
    @Test func aFloatErrorAboveTheToleranceIsReported() throws {
        let folder = try copyCase("tiny_coffee_80x60.shw")
        try writeChangedCopy(of: Self.directory + "/tiny_coffee_80x60.shw", to: folder.file("changed.shw"),
                             config: ["tolerance.relative": .real(0)])
        let failures = ConformanceRunner.run(caseNamed: "changed.shw", in: folder.path).failures
        #expect(failures.contains { $0.hasPrefix("expected.siglip_features: normalised error") && $0.hasSuffix("above the tolerance 0.00e+00") })
    }

    /// A case with `model.init_config` and `model.init_seed` builds its model instead of
    /// reading one: the tiny case with its weights named that way still passes.
    @Test func aCaseCanNameItsModelByConfigurationAndSeed() throws {
        let folder = try TemporaryDirectory()
        try writeChangedCopy(of: Self.directory + "/tiny_gravel_64x64.shw", to: folder.file("by_seed.shw"),
                             config: ["model.weights": nil, "model.init_config": .string("tiny"), "model.init_seed": .int(0)])
        #expect(ConformanceRunner.run(caseNamed: "by_seed.shw", in: folder.path).failures == [])
    }

    /// A folder holding the case's model file, so a changed copy of the case finds it.
    private func copyCase(_ name: String) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.directory + "/tiny.shw", toPath: folder.file("tiny.shw"))
        return folder
    }
}
