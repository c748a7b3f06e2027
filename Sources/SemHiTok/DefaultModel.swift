import Foundation
import SemHiTokModel
import SemHiTokSupport

/// The model that ships inside the package, used when a command is given no `--model`:
/// for now the `tiny` configuration with the deterministic weights of seed 0
/// (Spec/architecture.md sections 6 and 7), the same file as `golden/model/tiny.shw`. Its
/// weights are random, so it tokenizes and reconstructs with no real fidelity: it shows
/// the whole pipeline working, not a trained tokenizer.
public enum DefaultModel {
    /// The path of the embedded weight container.
    public static var path: String {
        get throws {
            guard let path = Bundle.module.path(forResource: "tiny", ofType: "shw") else {
                throw FileSystemError(path: "tiny.shw", message: "the embedded default model is missing from the package's resources")
            }
            return path
        }
    }

    /// Loads the embedded model.
    public static func load() throws -> SemHiTokModel {
        try SemHiTokModel(contentsOf: path)
    }
}
