import Foundation

/// One input of a dataset run, as named on the command line (Spec/datasets.md section 1).
public enum DatasetInput: Equatable, Sendable {
    /// One image file; its key is the path as given.
    case image(String)
    /// The images under a folder, recursively; each key is the path relative to the folder.
    case folder(String)
    /// A list file of image paths, one per line (`-`: standard input); each key is the line.
    case list(String)
    /// A webdataset-style tar shard; each key is a sample's key.
    case shard(String)

    /// The extensions (lowercased) of the image files a folder contributes and of the
    /// members that hold a webdataset sample's image: the formats `ImageFile` reads.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "bmp", "ppm", "pgm", "pnm", "webp"]
    /// The extensions (lowercased) that make a file a list.
    public static let listExtensions: Set<String> = ["txt", "lst", "list"]

    /// What `argument` names: `-` is a list on standard input; an existing folder is a
    /// folder; a name ending in `.tar` is a shard, in `.txt`, `.lst` or `.list` a list; anything
    /// else an image.
    public init(argument: String) {
        var isDirectory: ObjCBool = false
        if argument == "-" {
            self = .list(argument)
        } else if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
            self = .folder(argument)
        } else {
            let ext = Self.lowercasedExtension(of: argument)
            if ext == "tar" {
                self = .shard(argument)
            } else if Self.listExtensions.contains(ext) {
                self = .list(argument)
            } else {
                self = .image(argument)
            }
        }
    }

    /// The text after the file name's last dot, lowercased; empty without one.
    static func lowercasedExtension(of path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
