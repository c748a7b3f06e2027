import SemHiTok

/// A weight container assembled field by field from Spec/weights.md, independently of the
/// library's writer, where any field may be set to an invalid value: the tool for building
/// each malformed file the reader must reject. Fields left nil get their correct values.
public struct RawWeightFile {
    /// One configuration entry: key bytes, type code and the encoded value.
    public struct Entry {
        public var key: [UInt8]
        public var type: UInt8
        public var value: [UInt8]

        public static func int(_ key: String, _ value: Int64) -> Entry {
            var bytes: [UInt8] = []
            bytes.appendLittleEndian(value)
            return Entry(key: Array(key.utf8), type: 1, value: bytes)
        }

        public static func string(_ key: String, _ value: [UInt8]) -> Entry {
            var bytes: [UInt8] = []
            bytes.appendLittleEndian(UInt32(value.count))
            return Entry(key: Array(key.utf8), type: 3, value: bytes + value)
        }
    }

    /// One tensor table entry and its data.
    public struct Tensor {
        public var name: [UInt8]
        public var dtype: UInt8
        public var dimensions: [UInt64]
        public var data: [UInt8]
        public var offset: UInt64? = nil
        public var byteLength: UInt64? = nil
        public var checksum: UInt32? = nil

        public static func f32(_ name: String, _ dimensions: [UInt64], _ values: [Float]) -> Tensor {
            var data: [UInt8] = []
            values.forEach { data.appendLittleEndian($0.bitPattern) }
            return Tensor(name: Array(name.utf8), dtype: 1, dimensions: dimensions, data: data)
        }
    }

    public var magic: [UInt8] = [0x89, 0x53, 0x48, 0x57, 0x0D, 0x0A, 0x1A, 0x0A]
    public var version: UInt32 = 1
    public var config: [Entry]
    public var tensors: [Tensor]
    public var configCount: UInt32? = nil
    public var tensorCount: UInt32? = nil
    public var trailingHeaderBytes: [UInt8] = []
    public var headerLength: UInt64? = nil
    public var fileLength: UInt64? = nil
    public var headerChecksum: UInt32? = nil

    public init(config: [Entry], tensors: [Tensor]) {
        self.config = config
        self.tensors = tensors
    }

    /// A small valid file: two configuration entries, two f32 tensors.
    public static func valid() -> RawWeightFile {
        RawWeightFile(config: [.int("alpha", 1), .string("beta", Array("two".utf8))],
                      tensors: [.f32("first", [2, 2], [1, 2, 3, 4]), .f32("second", [3], [5, 6, 7])])
    }

    /// The file's bytes: data placed in table order, 64-byte aligned, as the Spec's writer does.
    public func bytes() -> [UInt8] {
        let headerSize = header(offsets: tensors.map { _ in 0 }).count
        var offsets: [UInt64] = []
        var position = (32 + headerSize + 63) / 64 * 64
        for tensor in tensors {
            offsets.append(UInt64(position))
            position = (position + tensor.data.count + 63) / 64 * 64
        }
        let header = header(offsets: offsets)
        var file = [UInt8](repeating: 0, count: 32) + header
        // The data always goes where the Spec's writer puts it; an `offset` override changes
        // only what the table says.
        for (tensor, offset) in zip(tensors, offsets) {
            file += [UInt8](repeating: 0, count: Int(offset) - file.count) + tensor.data
        }
        if tensors.isEmpty { file += [UInt8](repeating: 0, count: (32 + header.count + 63) / 64 * 64 - file.count) }
        file.replaceSubrange(0..<8, with: magic)
        file.setLittleEndian(version, at: 8)
        file.setLittleEndian(headerLength ?? UInt64(header.count), at: 16)
        file.setLittleEndian(fileLength ?? UInt64(file.count), at: 24)
        file.setLittleEndian(headerChecksum ?? CRC32C.checksum(Array(file[16..<(32 + header.count)])), at: 12)
        return file
    }

    private func header(offsets: [UInt64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(configCount ?? UInt32(config.count))
        for entry in config {
            bytes.appendLittleEndian(UInt16(entry.key.count))
            bytes += entry.key
            bytes.append(entry.type)
            bytes += entry.value
        }
        bytes.appendLittleEndian(tensorCount ?? UInt32(tensors.count))
        for (tensor, offset) in zip(tensors, offsets) {
            bytes.appendLittleEndian(UInt16(tensor.name.count))
            bytes += tensor.name
            bytes.append(tensor.dtype)
            bytes.append(UInt8(tensor.dimensions.count))
            tensor.dimensions.forEach { bytes.appendLittleEndian($0) }
            bytes.appendLittleEndian(tensor.offset ?? offset)
            bytes.appendLittleEndian(tensor.byteLength ?? UInt64(tensor.data.count))
            bytes.appendLittleEndian(tensor.checksum ?? CRC32C.checksum(tensor.data))
        }
        return bytes + trailingHeaderBytes
    }
}
