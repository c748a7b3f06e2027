import SemHiTokSupport

/// A weight container opened for reading (Spec/weights.md): the model configuration and a
/// table of tensors whose bytes stay memory-mapped and are used in place.
///
/// Opening validates everything in Spec/weights.md section 4 before anything is trusted:
/// sizes, the header checksum, every name, type, shape, offset and overlap, and (unless
/// asked not to) every tensor's checksum.
public final class WeightFile: ConfigurationEntries, Sendable {
    /// The header of a file is at most this many bytes (16 MiB), so a hostile file cannot
    /// make the reader allocate much before it has been verified.
    public static let maximumHeaderLength: UInt64 = 16 << 20
    /// The magic bytes `\x89SHW\r\n\x1a\n`.
    public static let magic: [UInt8] = [0x89, 0x53, 0x48, 0x57, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version this library reads and writes.
    public static let formatVersion: UInt32 = 1
    static let preambleLength = 32
    static let maximumRank = 8

    /// The path the file was opened from (for bytes given in memory, the name they were
    /// given).
    public let path: String
    /// The configuration entries, keyed by name.
    public let config: [String: ConfigValue]
    /// The tensors, in the file's (name) order.
    public let tensors: [TensorInfo]
    /// SHA-256 of the header bytes: the model fingerprint (Spec/weights.md section 6).
    public let fingerprint: [UInt8]
    /// Whether every tensor's checksum was verified when the file was opened.
    public let tensorDataVerified: Bool

    private let file: MappedFile
    private let tensorIndex: [String: Int]

    /// Opens and validates the weight container at `path`.
    ///
    /// - Parameter verifyingTensorData: when false, skips the per-tensor checksums
    ///   (Spec/weights.md section 4, step 10) to open a large file faster; every structural
    ///   check still runs.
    public convenience init(contentsOf path: String, verifyingTensorData: Bool = true) throws {
        try self.init(file: MappedFile(path: path), verifyingTensorData: verifyingTensorData)
    }

    /// Validates the weight container held in `bytes`, which are copied, exactly as
    /// `init(contentsOf:verifyingTensorData:)` validates a file; `name` stands for the path
    /// in `path` and in errors. For containers that do not come from a file.
    public convenience init(bytes: UnsafeRawBufferPointer, name: String, verifyingTensorData: Bool = true) throws {
        try self.init(file: MappedFile(copying: bytes, path: name), verifyingTensorData: verifyingTensorData)
    }

    private init(file: MappedFile, verifyingTensorData: Bool) throws {
        path = file.path
        self.file = file
        let parsed = try WeightFileParser(path: path, bytes: file.bytes).parse()
        config = parsed.config
        tensors = parsed.tensors
        fingerprint = SHA256.digest(parsed.headerBytes)
        tensorIndex = Dictionary(uniqueKeysWithValues: parsed.tensors.enumerated().map { ($1.name, $0) })
        tensorDataVerified = verifyingTensorData
        if verifyingTensorData {
            for tensor in tensors {
                guard checksumMatches(tensor) else {
                    throw WeightFileError(path: path, kind: .tensorChecksumMismatch(tensor: tensor.name))
                }
                releasePages(of: tensor)
            }
        }
    }

    /// Whether `tensor`'s bytes have the CRC-32C stored for them.
    public func checksumMatches(_ tensor: TensorInfo) -> Bool {
        CRC32C.checksum(bytes(of: tensor)) == tensor.checksum
    }

    /// The raw bytes of `tensor` (valid while this file is alive).
    public func bytes(of tensor: TensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[tensor.offset..<(tensor.offset + tensor.byteLength)])
    }

    /// Lets the system drop `tensor`'s bytes from resident memory until they are next read
    /// (they stay valid): for callers that have copied them.
    public func releasePages(of tensor: TensorInfo) {
        file.releasePages(in: tensor.offset..<(tensor.offset + tensor.byteLength))
    }

    /// The table entry of the tensor called `name`.
    public func tensor(_ name: String) throws -> TensorInfo {
        guard let index = tensorIndex[name] else { throw error(.missingTensor(name)) }
        return tensors[index]
    }

    /// Whether the file has a tensor called `name`.
    public func hasTensor(_ name: String) -> Bool { tensorIndex[name] != nil }

    /// The elements of a floating-point tensor (`f32`, or `f16`/`bf16` widened exactly),
    /// row-major. If `rank` is given, the tensor must have that many dimensions.
    public func floats(_ name: String, rank: Int? = nil) throws -> (values: [Float], shape: [Int]) {
        let info = try tensor(name, rank: rank)
        guard DType.floatTypes.contains(info.dtype) else {
            throw error(.unexpectedDType(tensor: name, expected: "f32, f16 or bf16", found: info.dtype))
        }
        let values = info.dtype.floats(from: bytes(of: info), count: info.elementCount)
        return (values, info.shape)
    }

    /// Calls `body` with the elements of a floating-point tensor as float32, row-major, and
    /// its shape: for `f32` the mapped bytes themselves, without a copy (on a little-endian
    /// host), otherwise a widened copy. The buffer is valid only inside `body`.
    public func withFloats<Result>(_ name: String, _ body: (UnsafeBufferPointer<Float>, [Int]) throws -> Result) throws -> Result {
        let info = try tensor(name)
        guard DType.floatTypes.contains(info.dtype) else {
            throw error(.unexpectedDType(tensor: name, expected: "f32, f16 or bf16", found: info.dtype))
        }
        let raw = bytes(of: info)
        if info.dtype == .f32, UInt32(littleEndian: 1) == 1, let start = raw.baseAddress,
           Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0
        {
            return try body(UnsafeBufferPointer(start: start.bindMemory(to: Float.self, capacity: info.elementCount), count: info.elementCount), info.shape)
        }
        return try info.dtype.floats(from: raw, count: info.elementCount).withUnsafeBufferPointer { try body($0, info.shape) }
    }

    /// The elements of an `i32` tensor, row-major. If `rank` is given, the tensor must have
    /// that many dimensions.
    public func int32s(_ name: String, rank: Int? = nil) throws -> (values: [Int32], shape: [Int]) {
        let info = try tensor(name, rank: rank)
        guard info.dtype == .i32 else { throw error(.unexpectedDType(tensor: name, expected: "i32", found: info.dtype)) }
        let raw = bytes(of: info)
        let values = (0..<info.elementCount).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        return (values, info.shape)
    }

    /// The elements of a `u8` tensor, row-major. If `rank` is given, the tensor must have
    /// that many dimensions.
    public func uint8s(_ name: String, rank: Int? = nil) throws -> (values: [UInt8], shape: [Int]) {
        let info = try tensor(name, rank: rank)
        guard info.dtype == .u8 else { throw error(.unexpectedDType(tensor: name, expected: "u8", found: info.dtype)) }
        return (Array(bytes(of: info)), info.shape)
    }

    private func tensor(_ name: String, rank: Int?) throws -> TensorInfo {
        let info = try tensor(name)
        if let rank, info.shape.count != rank {
            throw error(.unexpectedShape(tensor: name, expected: "rank \(rank)", found: info.shape))
        }
        return info
    }
}
