import Foundation

/// Paths of the repository's committed data, found from this source file's location so
/// that tests run from any working directory.
public enum RepositoryPaths {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `golden/` and its subfolders.
    public static func golden(_ subpath: String = "") -> String {
        subpath.isEmpty ? root + "/golden" : root + "/golden/" + subpath
    }
}
