/// How a webdataset shard groups its members into samples (Spec/datasets.md section 4): a
/// member's key is its path up to the first dot of its file name, and its extension is the
/// rest; consecutive members with the same key form one sample.
public enum WebDatasetKey {
    /// `path` split into its key and its extension: `"a/b.c.jpg"` gives `("a/b", "c.jpg")`.
    /// Nil when the file name has no dot or starts with one: such a member belongs to no
    /// sample, as in webdataset.
    public static func split(_ path: String) -> (key: String, extension: String)? {
        let nameStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[nameStart...].firstIndex(of: "."), dot > nameStart else { return nil }
        return (String(path[..<dot]), String(path[path.index(after: dot)...]))
    }

    /// Whether a member with this extension holds the sample's image: its last part, after
    /// the last dot, is an image extension in any case.
    public static func isImage(extension: String) -> Bool {
        let last = `extension`.split(separator: ".", omittingEmptySubsequences: false).last ?? ""
        return DatasetInput.imageExtensions.contains(last.lowercased())
    }
}
