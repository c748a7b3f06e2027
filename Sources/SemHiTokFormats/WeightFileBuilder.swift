import SemHiTokSupport

/// The content of a weight container being assembled: configuration entries and tensors.
/// `write(to:)` lays it out canonically (Spec/weights.md section 5), so the same content
/// always gives the same bytes, whatever order it was added in. A tensor's bytes may be
/// given, or produced only when it is written, so that a container larger than memory is
/// written one tensor at a time.
public struct WeightFileBuilder: Sendable {
    /// A tensor waiting to be written.
    struct PendingTensor: Sendable {
        var name: String
        var dtype: DType
        var shape: [Int]
        var byteLength: Int
        var bytes: @Sendable () throws -> [UInt8]
    }

    /// The configuration entries to write.
    public var config: [String: ConfigValue] = [:]
    private var tensors: [PendingTensor] = []

    /// An empty container.
    public init() {}

    /// Adds a tensor given as raw little-endian bytes. Names, shapes and sizes are
    /// validated by `write(to:)`.
    public mutating func addTensor(_ name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
        tensors.append(PendingTensor(name: name, dtype: dtype, shape: shape, byteLength: bytes.count, bytes: { bytes }))
    }

    /// Adds a tensor of `byteLength` raw little-endian bytes that `produce` gives when the
    /// file is written (and when `encodedHeader` computes its checksum), so that only one
    /// tensor's bytes are held at a time. Writing fails if `produce` returns another number
    /// of bytes.
    public mutating func addTensor(_ name: String, dtype: DType, shape: [Int], byteLength: Int,
                                   producedBy produce: @escaping @Sendable () throws -> [UInt8]) {
        tensors.append(PendingTensor(name: name, dtype: dtype, shape: shape, byteLength: byteLength, bytes: produce))
    }

    /// Adds an `f32` tensor.
    public mutating func addFloat32(_ name: String, shape: [Int], _ values: [Float]) {
        addTensor(name, dtype: .f32, shape: shape, bytes: littleEndianBytes(values.map(\.bitPattern)))
    }

    /// Adds an `i32` tensor.
    public mutating func addInt32(_ name: String, shape: [Int], _ values: [Int32]) {
        addTensor(name, dtype: .i32, shape: shape, bytes: littleEndianBytes(values))
    }

    /// Adds an `f16` or `bf16` tensor given as 16-bit patterns.
    public mutating func addHalf(_ name: String, dtype: DType, shape: [Int], bits: [UInt16]) {
        precondition(dtype == .f16 || dtype == .bf16, "addHalf takes f16 or bf16")
        addTensor(name, dtype: dtype, shape: shape, bytes: littleEndianBytes(bits))
    }

    /// The header bytes this content encodes to: the same bytes a reader's `fingerprint`
    /// hashes, so a model's fingerprint is known before it is written.
    public func encodedHeader(path: String) throws -> [UInt8] {
        let (_, placed) = try layout(path: path)
        let checksums = try placed.map { try CRC32C.checksum(produceBytes(of: $0.tensor, path: path)) }
        return encodeHeader(keys: sortedKeys, tensors: placed, checksums: checksums)
    }

    /// Validates the content and writes it to `path` (through a temporary file renamed into
    /// place): the data first, tensor by tensor, then the header with their checksums.
    public func write(to path: String) throws {
        let (provisionalHeader, placed) = try layout(path: path)
        let dataStart = align64(WeightFile.preambleLength + provisionalHeader.count)
        let fileLength = placed.last.map { $0.offset + $0.tensor.byteLength } ?? dataStart

        let output = try AtomicOutputFile(destination: path)
        try output.descriptor.write([UInt8](repeating: 0, count: dataStart))
        var position = dataStart
        var checksums: [UInt32] = []
        for (offset, tensor) in placed {
            try output.descriptor.write([UInt8](repeating: 0, count: offset - position))
            let bytes = try produceBytes(of: tensor, path: path)
            checksums.append(CRC32C.checksum(bytes))
            try output.descriptor.write(bytes)
            position = offset + bytes.count
        }
        if position < fileLength {
            try output.descriptor.write([UInt8](repeating: 0, count: fileLength - position))
        }

        let header = encodeHeader(keys: sortedKeys, tensors: placed, checksums: checksums)
        var preamble = ByteWriter()
        preamble.append(WeightFile.magic)
        preamble.u32(WeightFile.formatVersion)
        preamble.u32(0)
        preamble.u64(UInt64(header.count))
        preamble.u64(UInt64(fileLength))
        var checksum = CRC32C()
        preamble.bytes[16...].withUnsafeBytes { checksum.update($0) }
        header.withUnsafeBytes { checksum.update($0) }
        preamble.patchU32(checksum.checksum, at: 12)
        try output.descriptor.seek(to: 0)
        try output.descriptor.write(preamble.bytes)
        try output.descriptor.write(header)
        try output.commit()
    }

    /// The configuration keys in the canonical order.
    private var sortedKeys: [String] {
        config.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The bytes of `tensor`, which must be as many as it declared.
    private func produceBytes(of tensor: PendingTensor, path: String) throws -> [UInt8] {
        let bytes = try tensor.bytes()
        guard bytes.count == tensor.byteLength else {
            throw WeightFileError(path: path, kind: .byteLengthMismatch(tensor: tensor.name, expected: UInt64(tensor.byteLength),
                                                                         actual: UInt64(bytes.count)))
        }
        return bytes
    }

    /// Sorts and validates the content and places the tensors; returns the header (with
    /// zero checksums: its length and placement do not depend on them) and each tensor with
    /// its offset.
    private func layout(path: String) throws -> (header: [UInt8], placed: [(offset: Int, tensor: PendingTensor)]) {
        func error(_ kind: WeightFileError.Kind) -> WeightFileError { WeightFileError(path: path, kind: kind) }
        let keys = sortedKeys
        for key in keys where !WeightName.isValid(Array(key.utf8)) {
            throw error(.invalidName(WeightName.escaped(Array(key.utf8))))
        }
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for (index, tensor) in sorted.enumerated() {
            guard WeightName.isValid(Array(tensor.name.utf8)) else {
                throw error(.invalidName(WeightName.escaped(Array(tensor.name.utf8))))
            }
            if index > 0, sorted[index - 1].name == tensor.name { throw error(.duplicateTensorName(tensor.name)) }
            guard tensor.shape.count <= WeightFile.maximumRank else {
                throw error(.rankTooLarge(tensor: tensor.name, rank: tensor.shape.count))
            }
            var expected = tensor.dtype.elementSize
            for dimension in tensor.shape {
                let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
                guard dimension >= 0, !overflow else { throw error(.shapeOverflow(tensor: tensor.name)) }
                expected = product
            }
            guard expected == tensor.byteLength else {
                throw error(.byteLengthMismatch(tensor: tensor.name, expected: UInt64(expected),
                                                actual: UInt64(tensor.byteLength)))
            }
        }

        // Offsets and checksums are fixed-width fields, so the header's length does not
        // depend on them: encode once to learn where the data starts, then again with the
        // real offsets.
        let zeroChecksums = [UInt32](repeating: 0, count: sorted.count)
        let provisional = encodeHeader(keys: keys, tensors: sorted.map { (0, $0) }, checksums: zeroChecksums)
        guard provisional.count <= WeightFile.maximumHeaderLength else {
            throw error(.headerTooLarge(headerLength: UInt64(provisional.count)))
        }
        var offset = align64(WeightFile.preambleLength + provisional.count)
        var placed: [(offset: Int, tensor: PendingTensor)] = []
        for tensor in sorted {
            placed.append((offset, tensor))
            offset = align64(offset + tensor.byteLength)
        }
        return (encodeHeader(keys: keys, tensors: placed, checksums: zeroChecksums), placed)
    }

    private func encodeHeader(keys: [String], tensors: [(offset: Int, tensor: PendingTensor)],
                              checksums: [UInt32]) -> [UInt8] {
        var writer = ByteWriter()
        writer.u32(UInt32(keys.count))
        for key in keys {
            let value = config[key]!
            writer.u16(UInt16(key.utf8.count))
            writer.append(key.utf8)
            writer.u8(value.typeCode)
            switch value {
            case .int(let number): writer.i64(number)
            case .real(let number): writer.f64(number)
            case .string(let text):
                writer.u32(UInt32(text.utf8.count))
                writer.append(text.utf8)
            case .ints(let numbers):
                writer.u32(UInt32(numbers.count))
                numbers.forEach { writer.i64($0) }
            case .reals(let numbers):
                writer.u32(UInt32(numbers.count))
                numbers.forEach { writer.f64($0) }
            }
        }
        writer.u32(UInt32(tensors.count))
        for ((offset, tensor), checksum) in zip(tensors, checksums) {
            writer.u16(UInt16(tensor.name.utf8.count))
            writer.append(tensor.name.utf8)
            writer.u8(tensor.dtype.rawValue)
            writer.u8(UInt8(tensor.shape.count))
            tensor.shape.forEach { writer.u64(UInt64($0)) }
            writer.u64(UInt64(offset))
            writer.u64(UInt64(tensor.byteLength))
            writer.u32(checksum)
        }
        return writer.bytes
    }
}

/// The little-endian bytes of `values`, concatenated.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
    for value in values {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return bytes
}
