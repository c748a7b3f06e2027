/// A member name as the dataset keys use it (Spec/datasets.md section 3.3): UTF-8, no NUL,
/// leading `./` and trailing `/` removed, not empty.
enum TarPath {
    static func normalized(_ bytes: [UInt8], offset: Int, archive: String) throws -> String {
        func fail(_ detail: String) -> TarError { TarError(archive: archive, offset: offset, problem: .badName(detail)) }
        guard !bytes.contains(0) else { throw fail("it holds a NUL byte") }
        guard let name = String(validating: bytes, as: UTF8.self) else { throw fail("it is not UTF-8") }
        let trimmed = trimmed(name)
        guard !trimmed.isEmpty, trimmed != "." else { throw fail("it is empty") }
        return trimmed
    }

    /// A name that will not become a key (a directory's, a link's), trimmed the same way
    /// but not checked; bytes that are not UTF-8 are replaced.
    static func lenient(_ bytes: [UInt8]) -> String {
        trimmed(String(decoding: bytes, as: UTF8.self))
    }

    private static func trimmed(_ name: String) -> String {
        var name = name
        while name.hasPrefix("./") { name.removeFirst(2) }
        while name.hasSuffix("/") { name.removeLast() }
        return name
    }
}
