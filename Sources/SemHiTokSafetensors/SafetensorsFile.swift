import SemHiTokSupport

/// A safetensors file opened for reading (Spec/safetensors.md section 4): the header's
/// metadata and tensor table, with the tensors' bytes memory-mapped and used in place.
///
/// Opening validates everything section 4 lists before anything is trusted: the header
/// length, the JSON (strictly: duplicate keys, unknown fields and non-integer numbers are
/// refused), every name, dtype, shape and offset, and that the tensors cover the data
/// buffer exactly. The format has no checksums, so the tensors' values are not verified.
public final class SafetensorsFile: Sendable {
    /// The largest header accepted: 16 MiB, as for a weight container, so that a hostile
    /// file cannot make the reader parse much before it is refused (the safetensors library
    /// allows 100,000,000 bytes; real headers are under a few MB).
    public static let maximumHeaderLength: UInt64 = 16 << 20
    /// The most dimensions a tensor may have.
    public static let maximumRank = 16

    /// The path the file was opened from (for bytes given in memory, the name they were
    /// given).
    public let path: String
    /// The `__metadata__` entry of the header (string keys and values); empty when absent.
    public let metadata: [String: String]
    /// The tensors, sorted by name (by the bytes of their UTF-8).
    public let tensors: [SafetensorsTensor]

    private let file: MappedFile
    private let tensorIndex: [String: Int]

    /// Opens and validates the safetensors file at `path`.
    public convenience init(contentsOf path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Validates the safetensors file held in `bytes`, which are copied, exactly as
    /// `init(contentsOf:)` validates a file; `name` stands for the path in `path` and in
    /// errors. For files that do not come from disk (tests, fuzzing).
    public convenience init(bytes: UnsafeRawBufferPointer, name: String) throws {
        try self.init(file: MappedFile(copying: bytes, path: name))
    }

    private init(file: MappedFile) throws {
        path = file.path
        self.file = file
        let parsed = try SafetensorsHeaderParser(path: path, bytes: file.bytes).parse()
        metadata = parsed.metadata
        tensors = parsed.tensors
        tensorIndex = Dictionary(uniqueKeysWithValues: parsed.tensors.enumerated().map { ($1.name, $0) })
    }

    /// The tensor called `name`, or nil when the file has none.
    public func tensor(_ name: String) -> SafetensorsTensor? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The raw bytes of `tensor`, one of this file's tensors: little-endian elements,
    /// row-major, not necessarily aligned (read them with `loadUnaligned`). Valid while
    /// this file is alive.
    public func bytes(of tensor: SafetensorsTensor) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[tensor.byteRange])
    }

    /// Lets the system drop `tensor`'s bytes from resident memory until they are next read
    /// (they stay valid): for callers that have copied or converted them.
    public func releasePages(of tensor: SafetensorsTensor) {
        file.releasePages(in: tensor.byteRange)
    }
}
