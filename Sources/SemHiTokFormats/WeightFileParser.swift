import SemHiTokSupport

/// Validates and parses the bytes of a weight container, in the order of the checks in
/// Spec/weights.md section 4. Nothing read from the file is used before it is checked.
struct WeightFileParser {
    struct Parsed {
        var config: [String: ConfigValue]
        var tensors: [TensorInfo]
        var headerBytes: UnsafeRawBufferPointer
    }

    let path: String
    let bytes: UnsafeRawBufferPointer

    func parse() throws -> Parsed {
        let preambleLength = WeightFile.preambleLength
        guard bytes.count >= preambleLength else { throw error(.truncatedPreamble(fileSize: bytes.count)) }
        var preamble = ByteReader(bytes)
        guard try Array(preamble.bytes(8, "magic")) == WeightFile.magic else { throw error(.notAWeightFile) }
        let version = try preamble.u32("format_version")
        guard version == WeightFile.formatVersion else { throw error(.unsupportedVersion(version)) }
        let storedChecksum = try preamble.u32("header_crc")
        let headerLength = try preamble.u64("header_length")
        let fileLength = try preamble.u64("file_length")
        guard headerLength <= WeightFile.maximumHeaderLength else {
            throw error(.headerTooLarge(headerLength: headerLength))
        }
        let headerEnd = preambleLength + Int(headerLength)
        guard headerEnd <= bytes.count else {
            throw error(.headerLengthPastEnd(headerLength: headerLength, fileSize: bytes.count))
        }
        let computedChecksum = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[16..<headerEnd]))
        guard computedChecksum == storedChecksum else {
            throw error(.headerChecksumMismatch(stored: storedChecksum, computed: computedChecksum))
        }
        guard fileLength == UInt64(bytes.count) else {
            throw error(.fileLengthMismatch(declared: fileLength, actual: bytes.count))
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[preambleLength..<headerEnd])
        var header = ByteReader(headerBytes)
        do {
            let config = try parseConfig(&header)
            let tensors = try parseTensors(&header, dataStart: align64(headerEnd))
            guard header.remaining == 0 else { throw error(.trailingHeaderBytes(count: header.remaining)) }
            try checkNoOverlap(tensors)
            return Parsed(config: config, tensors: tensors, headerBytes: headerBytes)
        } catch let outOfBytes as ByteReader.OutOfBytes {
            throw error(.truncatedHeader(field: outOfBytes.field))
        }
    }

    private func parseConfig(_ header: inout ByteReader) throws -> [String: ConfigValue] {
        let count = try header.u32("config_count")
        // Every entry takes at least 4 bytes (key length, one key byte, type).
        try header.requireRoom(count: UInt64(count), size: 4, "the configuration entries")
        var config: [String: ConfigValue] = [:]
        var previous: [UInt8]? = nil
        for _ in 0..<count {
            let key = try readName(&header, field: "a configuration key", previous: &previous,
                                   duplicate: WeightFileError.Kind.duplicateKey)
            let type = try header.u8("the type of '\(key)'")
            config[key] = try parseValue(&header, type: type, key: key)
        }
        return config
    }

    private func parseValue(_ header: inout ByteReader, type: UInt8, key: String) throws -> ConfigValue {
        let field = "the value of '\(key)'"
        switch type {
        case 1:
            return .int(try header.i64(field))
        case 2:
            return .real(try header.f64(field))
        case 3:
            let length = try header.u32(field)
            let raw = try header.bytes(Int(length), field)
            guard let text = String(validating: raw, as: UTF8.self) else { throw error(.invalidUTF8(key: key)) }
            return .string(text)
        case 4, 5:
            let count = try header.u32(field)
            try header.requireRoom(count: UInt64(count), size: 8, field)
            if type == 4 {
                return .ints(try (0..<count).map { _ in try header.i64(field) })
            }
            return .reals(try (0..<count).map { _ in try header.f64(field) })
        default:
            throw error(.unknownValueType(key: key, code: type))
        }
    }

    private func parseTensors(_ header: inout ByteReader, dataStart: Int) throws -> [TensorInfo] {
        let count = try header.u32("tensor_count")
        // Every entry takes at least 2 + 1 + 1 + 1 + 8 + 8 + 4 bytes.
        try header.requireRoom(count: UInt64(count), size: 25, "the tensor table")
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(Int(count))
        var previous: [UInt8]? = nil
        for _ in 0..<count {
            let name = try readName(&header, field: "a tensor name", previous: &previous,
                                    duplicate: WeightFileError.Kind.duplicateTensorName)
            let field = "the entry of tensor '\(name)'"
            let dtypeCode = try header.u8(field)
            let rank = Int(try header.u8(field))
            guard let dtype = DType(rawValue: dtypeCode) else {
                throw error(.unknownDType(tensor: name, code: dtypeCode))
            }
            guard rank <= WeightFile.maximumRank else { throw error(.rankTooLarge(tensor: name, rank: rank)) }
            var dimensions: [UInt64] = []
            for _ in 0..<rank { dimensions.append(try header.u64(field)) }
            let offset = try header.u64(field)
            let byteLength = try header.u64(field)
            let checksum = try header.u32(field)
            var expectedLength = UInt64(dtype.elementSize)
            for dimension in dimensions {
                let (product, overflow) = expectedLength.multipliedReportingOverflow(by: dimension)
                guard dimension <= UInt64(Int64.max), !overflow, product <= UInt64(Int64.max) else {
                    throw error(.shapeOverflow(tensor: name))
                }
                expectedLength = product
            }
            guard expectedLength == byteLength else {
                throw error(.byteLengthMismatch(tensor: name, expected: expectedLength, actual: byteLength))
            }
            guard offset % 64 == 0 else { throw error(.misalignedOffset(tensor: name, offset: offset)) }
            guard offset >= UInt64(dataStart) else { throw error(.offsetInsideHeader(tensor: name, offset: offset)) }
            let (end, overflow) = offset.addingReportingOverflow(byteLength)
            guard !overflow, end <= UInt64(bytes.count) else {
                throw error(.offsetOutOfBounds(tensor: name, offset: offset, byteLength: byteLength))
            }
            // Every dimension, every partial product and the end offset are below 2^63, so
            // they fit an Int (a 64-bit platform is assumed throughout).
            tensors.append(TensorInfo(name: name, dtype: dtype, shape: dimensions.map { Int($0) },
                                      offset: Int(offset), byteLength: Int(byteLength), checksum: checksum))
        }
        return tensors
    }

    /// Reads a name and checks that it is valid and strictly after `previous`.
    private func readName(_ header: inout ByteReader, field: String, previous: inout [UInt8]?,
                          duplicate: (String) -> WeightFileError.Kind) throws -> String {
        let length = try header.u16(field)
        let raw = Array(try header.bytes(Int(length), field))
        guard WeightName.isValid(raw) else { throw error(.invalidName(WeightName.escaped(raw))) }
        let name = String(decoding: raw, as: UTF8.self)
        if let previous {
            if raw == previous { throw error(duplicate(name)) }
            if !previous.lexicographicallyPrecedes(raw) { throw error(.entriesNotSorted(name)) }
        }
        previous = raw
        return name
    }

    /// Checks that no two non-empty tensors share a byte (Spec/weights.md section 4, step 9).
    private func checkNoOverlap(_ tensors: [TensorInfo]) throws {
        let placed = tensors.filter { $0.byteLength > 0 }.sorted { $0.offset < $1.offset }
        for (first, second) in zip(placed, placed.dropFirst()) where first.offset + first.byteLength > second.offset {
            throw error(.overlappingTensors(first.name, second.name))
        }
    }

    private func error(_ kind: WeightFileError.Kind) -> WeightFileError {
        WeightFileError(path: path, kind: kind)
    }
}
