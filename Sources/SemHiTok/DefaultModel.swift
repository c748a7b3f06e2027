import Foundation
import SemHiTokModel
import SemHiTokSupport

/// The model that ships inside the package, used when a command is given no `--model`: the
/// `demo` configuration (Spec/architecture.md section 6) trained by `tools/make_demo_model.py`
/// on fourteen freely licensed images, stored in f16. Its SigLIP teacher has fixed random
/// weights, so its semantic codes partition patch appearance and carry no meaning; its
/// reconstructions are recognisable, at the fidelity the README's "The default model" gives.
public enum DefaultModel {
    /// The path of the embedded weight container.
    public static var path: String {
        get throws {
            guard let path = Bundle.module.path(forResource: "demo", ofType: "shw") else {
                throw FileSystemError(path: "demo.shw", message: "the embedded default model is missing from the package's resources")
            }
            return path
        }
    }

    /// Loads the embedded model.
    public static func load() throws -> SemHiTokModel {
        try SemHiTokModel(contentsOf: path)
    }
}
