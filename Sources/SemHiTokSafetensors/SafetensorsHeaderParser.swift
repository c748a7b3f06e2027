import SemHiTokSupport

/// Validates and parses the bytes of a safetensors file, in the order of the checks in
/// Spec/safetensors.md section 4. Nothing read from the file is used before it is checked.
struct SafetensorsHeaderParser {
    struct Parsed {
        var metadata: [String: String]
        var tensors: [SafetensorsTensor]
    }

    let path: String
    let bytes: UnsafeRawBufferPointer

    func parse() throws(SafetensorsError) -> Parsed {
        guard bytes.count >= 8 else { throw error(.fileTooSmall(fileSize: bytes.count)) }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= SafetensorsFile.maximumHeaderLength else {
            throw error(.headerTooLarge(headerLength: headerLength))
        }
        // headerLength is at most 10^8, so the sum cannot overflow.
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= bytes.count else {
            throw error(.headerLengthPastEnd(headerLength: headerLength, fileSize: bytes.count))
        }
        let header: JSONValue
        do {
            header = try JSONDocument.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]))
        } catch {
            throw self.error(.invalidHeaderJSON(error))
        }
        guard let entries = header.object else { throw error(.headerNotAnObject(found: header.kindName)) }
        let dataSize = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var tensors: [SafetensorsTensor] = []
        for (key, value) in entries.members {
            if key == "__metadata__" {
                metadata = try parseMetadata(value)
            } else {
                tensors.append(try parseTensor(key, value, dataStart: dataStart, dataSize: dataSize))
            }
        }
        try checkCoverage(tensors, dataStart: dataStart, dataSize: dataSize)
        tensors.sort { SafetensorsName.precedes($0.name, $1.name) }
        return Parsed(metadata: metadata, tensors: tensors)
    }

    private func parseMetadata(_ value: JSONValue) throws(SafetensorsError) -> [String: String] {
        guard let object = value.object else { throw error(.metadataNotAnObject(found: value.kindName)) }
        var metadata: [String: String] = [:]
        for (key, value) in object.members {
            guard let text = value.string else { throw error(.metadataValueNotAString(key: key, found: value.kindName)) }
            metadata[key] = text
        }
        return metadata
    }

    private static let fields = ["dtype", "shape", "data_offsets"]

    private func parseTensor(_ name: String, _ value: JSONValue, dataStart: Int, dataSize: Int) throws(SafetensorsError) -> SafetensorsTensor {
        guard SafetensorsName.isValid(name) else { throw error(.invalidTensorName(name)) }
        guard let entry = value.object else { throw error(.tensorEntryNotAnObject(tensor: name, found: value.kindName)) }
        if let unknown = entry.keys.first(where: { !Self.fields.contains($0) }) {
            throw error(.unknownField(tensor: name, field: unknown))
        }
        if let missing = Self.fields.first(where: { entry[$0] == nil }) {
            throw error(.missingField(tensor: name, field: missing))
        }
        let dtype = try parseDType(name, entry["dtype"]!)
        let shape = try parseShape(name, entry["shape"]!)
        let byteLength = try byteLength(name, dtype: dtype, shape: shape)
        let (begin, end) = try parseOffsets(name, entry["data_offsets"]!, dataSize: dataSize)
        guard end - begin == byteLength else {
            throw error(.byteLengthMismatch(tensor: name, expected: byteLength, actual: end - begin))
        }
        return SafetensorsTensor(name: name, dtype: dtype, shape: shape, byteRange: (dataStart + begin)..<(dataStart + end))
    }

    private func parseDType(_ name: String, _ value: JSONValue) throws(SafetensorsError) -> SafetensorsDType {
        guard let text = value.string else {
            throw error(.wrongFieldType(tensor: name, field: "dtype", expected: "a string", found: value.kindName))
        }
        if let dtype = SafetensorsDType(rawValue: text) { return dtype }
        if SafetensorsDType.subByteNames.contains(text) { throw error(.subByteDType(tensor: name, dtype: text)) }
        throw error(.unknownDType(tensor: name, dtype: text))
    }

    private func parseShape(_ name: String, _ value: JSONValue) throws(SafetensorsError) -> [Int] {
        guard let elements = value.array else {
            throw error(.wrongFieldType(tensor: name, field: "shape", expected: "an array", found: value.kindName))
        }
        guard elements.count <= SafetensorsFile.maximumRank else { throw error(.rankTooLarge(tensor: name, rank: elements.count)) }
        var shape: [Int] = []
        for (index, element) in elements.enumerated() {
            guard let dimension = Self.nonNegativeInteger(element) else {
                throw error(.invalidDimension(tensor: name, index: index, found: Self.described(element)))
            }
            shape.append(dimension)
        }
        return shape
    }

    /// The byte size of the shape: the element count, the product of the dimensions in
    /// order, then times the element size, with no partial result above 2^63 - 1.
    private func byteLength(_ name: String, dtype: SafetensorsDType, shape: [Int]) throws(SafetensorsError) -> Int {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw error(.shapeOverflow(tensor: name)) }
            count = product
        }
        let (size, overflow) = count.multipliedReportingOverflow(by: dtype.elementSize)
        guard !overflow else { throw error(.shapeOverflow(tensor: name)) }
        return size
    }

    private func parseOffsets(_ name: String, _ value: JSONValue, dataSize: Int) throws(SafetensorsError) -> (Int, Int) {
        guard let elements = value.array else {
            throw error(.wrongFieldType(tensor: name, field: "data_offsets", expected: "an array", found: value.kindName))
        }
        guard elements.count == 2 else { throw error(.wrongOffsetCount(tensor: name, count: elements.count)) }
        var offsets: [Int] = []
        for (index, element) in elements.enumerated() {
            guard let offset = Self.nonNegativeInteger(element) else {
                throw error(.invalidOffset(tensor: name, index: index, found: Self.described(element)))
            }
            offsets.append(offset)
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw error(.offsetsReversed(tensor: name, begin: begin, end: end)) }
        guard end <= dataSize else { throw error(.offsetPastEnd(tensor: name, end: end, dataSize: dataSize)) }
        return (begin, end)
    }

    /// Checks that the tensors' ranges, taken in order of (begin, end, name), follow one
    /// another with no gap and no overlap from the start of the data buffer to its end:
    /// every data byte belongs to exactly one tensor, as the safetensors library requires.
    private func checkCoverage(_ tensors: [SafetensorsTensor], dataStart: Int, dataSize: Int) throws(SafetensorsError) {
        let ordered = tensors.sorted { left, right in
            if left.byteRange.lowerBound != right.byteRange.lowerBound { return left.byteRange.lowerBound < right.byteRange.lowerBound }
            if left.byteRange.upperBound != right.byteRange.upperBound { return left.byteRange.upperBound < right.byteRange.upperBound }
            return SafetensorsName.precedes(left.name, right.name)
        }
        var position = dataStart
        var previous: SafetensorsTensor? = nil
        for tensor in ordered {
            // Before the first tensor, position is the start of the buffer, which no range
            // starts before.
            if let previous, tensor.byteRange.lowerBound < position {
                throw error(.overlappingTensors(previous.name, tensor.name))
            }
            if tensor.byteRange.lowerBound > position {
                throw error(.gapBeforeTensor(tensor: tensor.name, gapStart: position - dataStart,
                                             gapEnd: tensor.byteRange.lowerBound - dataStart))
            }
            position = tensor.byteRange.upperBound
            previous = tensor
        }
        guard position == dataStart + dataSize else {
            throw error(.dataNotCovered(uncoveredStart: position - dataStart, dataSize: dataSize))
        }
    }

    /// The value of an integer literal without a sign from 0 to 2^63 - 1; nil for
    /// anything else, `2.0`, `2e0` and `-0` included (the library reads `-0` as a float).
    private static func nonNegativeInteger(_ value: JSONValue) -> Int? {
        guard let number = value.number, !number.text.hasPrefix("-"), let integer = number.int64 else { return nil }
        return Int(integer)
    }

    /// A value as an error message shows it: a number's literal, quoted, else its kind.
    private static func described(_ value: JSONValue) -> String {
        value.number.map { MessageText.quoted($0.text) } ?? value.kindName
    }

    private func error(_ kind: SafetensorsError.Kind) -> SafetensorsError {
        SafetensorsError(path: path, kind: kind)
    }
}
