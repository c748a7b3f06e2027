import Foundation

/// The image files under a folder (Spec/datasets.md section 1.1): every regular file, at any
/// depth, whose extension is an image extension, as paths relative to the folder, sorted by
/// their UTF-8 bytes. Folders reached through symbolic links are not entered.
enum FolderListing {
    static func imagePaths(in folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw DatasetFailure(key: folder, reason: "cannot list the folder")
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard DatasetInput.imageExtensions.contains(DatasetInput.lowercasedExtension(of: relative)) else { continue }
            let attributes = enumerator.fileAttributes
            let type = attributes?[.type] as? FileAttributeType
            if type == .typeRegular || (type == .typeSymbolicLink && Self.isRegularFile(folder + "/" + relative)) {
                paths.append(relative)
            }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
