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

    /// `../shared/testdata`: PngSuite and photographs, present on developer machines and in
    /// CI but not in a user's clone; nil when absent, so tests can skip saying why.
    public static let sharedTestData: String? = {
        let path = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/testdata").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// The reason tests that need `sharedTestData` give when they skip.
    public static let sharedTestDataMissing = "../shared/testdata is absent (it exists on developer machines and in CI only)"

    /// A clone of libwebp's own test corpus (the webm project's libwebp-test-data), named by
    /// the environment variable `SEMHITOK_LIBWEBP_TEST_DATA`: not ours to commit, so only its
    /// expected pixels are (golden/images/libwebp); nil when unset.
    public static let libwebpTestData: String? = ProcessInfo.processInfo.environment["SEMHITOK_LIBWEBP_TEST_DATA"]

    /// `golden/` and its subfolders.
    public static func golden(_ subpath: String = "") -> String {
        subpath.isEmpty ? root + "/golden" : root + "/golden/" + subpath
    }
}
