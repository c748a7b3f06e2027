import Foundation

/// The `semhitok` executable next to the test bundle (built by `swift build --build-tests`,
/// as `.ci/run` does), or nil: for tests that run it as its own process.
public let semhitokExecutable: String? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("semhitok").path }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}()
