import SemHiTokSupport

/// The two file formats of the project, told apart by their magic bytes.
public enum FileFormat: Sendable {
    /// A weight container (Spec/weights.md).
    case weights
    /// A token file (Spec/tokens.md).
    case tokens

    /// The format of the file at `path`, or nil if it starts with neither magic.
    public static func detect(path: String) throws -> FileFormat? {
        var magic = [UInt8](repeating: 0, count: 8)
        let count = try magic.withUnsafeMutableBytes { try FileDescriptor.forReading(path).read(into: $0) }
        guard count == 8 else { return nil }
        if magic == WeightFile.magic { return .weights }
        if magic == TokenFileHeader.magic { return .tokens }
        return nil
    }
}
