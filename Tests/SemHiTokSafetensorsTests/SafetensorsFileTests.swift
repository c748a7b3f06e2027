import SemHiTok
@testable import SemHiTokSafetensors
import TestSupport
import Testing

/// A safetensors file (Spec/safetensors.md section 4): what a valid one reads as, the
/// dtypes, the layouts the library writes, and one test per rejection of section 4, each
/// in a file built byte by byte in the test.
struct SafetensorsFileTests {
    /// `RawSafetensorsFile.valid()`: `b` (U8, bytes 0 to 3 of the data) and `a` (F32,
    /// bytes 3 to 11); the header is bytes 8 to 8 + N, so the data starts at 8 + N.
    @Test func readsTheTableSortedByNameWithAbsoluteRanges() throws {
        let raw = RawSafetensorsFile.valid()
        let file = try open(raw)
        let dataStart = 8 + raw.header.count
        #expect(file.path == "test")
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors == [
            SafetensorsTensor(name: "a", dtype: .F32, shape: [2], byteRange: (dataStart + 3)..<(dataStart + 11)),
            SafetensorsTensor(name: "b", dtype: .U8, shape: [3], byteRange: dataStart..<(dataStart + 3)),
        ])
        #expect(file.tensor("b")?.elementCount == 3)
        #expect(file.tensor("c") == nil)
        let a = try #require(file.tensor("a"))
        let floats = withExtendedLifetime(file) {
            (0..<2).map { Float(bitPattern: UInt32(littleEndian: file.bytes(of: a).loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        #expect(floats == [1.5, -2])
        #expect(withExtendedLifetime(file) { Array(file.bytes(of: file.tensor("b")!)) } == [7, 8, 9])
    }

    @Test func aFileWithoutMetadataHasNone() throws {
        let raw = RawSafetensorsFile(header: #"{"x":\#(RawSafetensorsFile.entry("I8", [1], 0, 1))}"#, data: [0xFF])
        #expect(try open(raw).metadata == [:])
    }

    /// The element sizes of the safetensors library's `Dtype::bitsize`, divided by 8.
    @Test func everyDTypeHasTheLibrarysElementSize() throws {
        let sizes = SafetensorsFixtures.elementSizes
        #expect(Set(SafetensorsDType.allCases.map(\.rawValue)) == Set(sizes.keys))
        // One tensor of three elements of each, in the data buffer one after the other.
        var entries: [String] = []
        var position = 0
        for (name, size) in sizes.sorted(by: { $0.key < $1.key }) {
            entries.append(#""\#(name)":\#(RawSafetensorsFile.entry(name, [3], position, position + 3 * size))"#)
            position += 3 * size
        }
        let file = try open(RawSafetensorsFile(header: "{" + entries.joined(separator: ",") + "}", data: Array(repeating: 0, count: position)))
        for tensor in file.tensors {
            #expect(tensor.dtype.rawValue == tensor.name)
            #expect(tensor.dtype.elementSize == sizes[tensor.name])
            #expect(tensor.byteRange.count == 3 * sizes[tensor.name]!)
        }
    }

    /// The Python library pads the header with spaces to a multiple of 8; any JSON
    /// whitespace around the object is accepted.
    @Test func acceptsWhitespaceAroundTheHeaderObject() throws {
        var raw = RawSafetensorsFile.valid()
        raw.header += Array("      ".utf8)
        #expect(try open(raw).tensors.count == 2)
        raw.header = Array(" \n\t\r".utf8) + raw.header
        #expect(try open(raw).tensors.count == 2)
    }

    /// A scalar has one element; an empty tensor takes no bytes and may sit at the same
    /// offset as the tensor after it; a file may hold no tensors and no data.
    @Test func acceptsScalarsEmptyTensorsAndEmptyFiles() throws {
        let entry = RawSafetensorsFile.entry
        let raw = RawSafetensorsFile(header: #"{"s":\#(entry("F64", [], 0, 8)),"e":\#(entry("F32", [0, 5], 8, 8)),"t":\#(entry("U8", [1], 8, 9))}"#,
                                     data: Array(repeating: 1, count: 9))
        let file = try open(raw)
        #expect(file.tensor("s")?.shape == [])
        #expect(file.tensor("s")?.elementCount == 1)
        #expect(file.tensor("e")?.elementCount == 0)
        #expect(file.tensor("e")?.byteRange.count == 0)
        #expect(try open(RawSafetensorsFile(header: "{}", data: [])).tensors == [])
        #expect(try open(RawSafetensorsFile(header: #"{"__metadata__":{}}"#, data: [])).metadata == [:])
    }

    /// Names sort by their UTF-8 bytes, not by Swift's string order: "Z" (0x5A) before "a"
    /// (0x61), and "é" (0xC3 0xA9) after "z" (0x7A).
    @Test func tensorsSortByTheBytesOfTheirNames() throws {
        let entry = RawSafetensorsFile.entry
        let header = #"{"\u00e9":\#(entry("U8", [1], 0, 1)),"a":\#(entry("U8", [1], 1, 2)),"z":\#(entry("U8", [1], 2, 3)),"Z":\#(entry("U8", [1], 3, 4))}"#
        #expect(try open(RawSafetensorsFile(header: header, data: [1, 2, 3, 4])).tensors.map(\.name) == ["Z", "a", "z", "\u{E9}"])
    }

    /// A tensor name of the maximum length, 1024 bytes, and names with any printable
    /// character, are accepted.
    @Test func acceptsNamesUpToTheLengthLimit() throws {
        let longest = String(repeating: "n", count: 1024)
        let header = #"{"\#(longest)":\#(RawSafetensorsFile.entry("U8", [1], 0, 1)),"a b/c:\u00e9":\#(RawSafetensorsFile.entry("U8", [1], 1, 2))}"#
        #expect(try open(RawSafetensorsFile(header: header, data: [1, 2])).tensors.map(\.name) == ["a b/c:\u{E9}", longest])
    }

    @Test func fileOnDiskReadsAsTheSameBytesInMemory() throws {
        let folder = try TemporaryDirectory()
        let raw = RawSafetensorsFile.valid()
        try writeBytes(raw.bytes(), to: folder.file("x.safetensors"))
        let fromDisk = try SafetensorsFile(contentsOf: folder.file("x.safetensors"))
        let inMemory = try open(raw)
        #expect(fromDisk.path == folder.file("x.safetensors"))
        #expect(fromDisk.tensors == inMemory.tensors)
        #expect(fromDisk.metadata == inMemory.metadata)
        for tensor in fromDisk.tensors {
            withExtendedLifetime((fromDisk, inMemory)) {
                #expect(Array(fromDisk.bytes(of: tensor)) == Array(inMemory.bytes(of: tensor)))
            }
        }
    }

    /// Releasing a tensor's pages keeps its bytes readable and unchanged.
    @Test func releasedPagesReadBackTheSameBytes() throws {
        let folder = try TemporaryDirectory()
        let count = 50_000
        let data = (0..<(4 * count)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try writeBytes(RawSafetensorsFile(header: #"{"big":\#(RawSafetensorsFile.entry("F32", [count], 0, 4 * count))}"#, data: data).bytes(),
                       to: folder.file("big.safetensors"))
        let file = try SafetensorsFile(contentsOf: folder.file("big.safetensors"))
        let tensor = try #require(file.tensor("big"))
        file.releasePages(of: tensor)
        #expect(withExtendedLifetime(file) { Array(file.bytes(of: tensor)) } == data)
    }

    /// Every message names the file, and the tensor where there is one.
    @Test func errorsNameTheFileAndTheTensor() {
        let error = SafetensorsError(path: "dir/m.safetensors", kind: .byteLengthMismatch(tensor: "w", expected: 8, actual: 4))
        #expect(error.description == "dir/m.safetensors: tensor 'w': data_offsets span 4 bytes, its dtype and shape take 8")
        #expect(SafetensorsError(path: "f", kind: .invalidTensorName("a\u{7}")).description
            == #"f: invalid tensor name 'a\u{7}': names are 1 to 1024 bytes without control characters"#)
    }

    // MARK: - Rejections (Spec/safetensors.md section 4), one per check

    @Test func rejectsAFileShorterThanTheHeaderLength() {
        expectRejection(Array(RawSafetensorsFile.valid().bytes()[0..<7]), .fileTooSmall(fileSize: 7))
        expectRejection([], .fileTooSmall(fileSize: 0))
    }

    /// The limit is 16 MiB (Spec/safetensors.md section 4); a length near 2^64 must not
    /// wrap around when 8 is added.
    @Test func rejectsAHeaderLengthAboveTheLimit() {
        var raw = RawSafetensorsFile.valid()
        for length: UInt64 in [16_777_217, 100_000_000, 1 << 63, UInt64.max, UInt64.max - 7] {
            raw.headerLength = length
            expectRejection(raw, .headerTooLarge(headerLength: length))
        }
    }

    @Test func rejectsAHeaderLengthPastTheEnd() {
        var raw = RawSafetensorsFile.valid()
        let size = raw.bytes().count
        raw.headerLength = UInt64(size - 7)
        expectRejection(raw, .headerLengthPastEnd(headerLength: UInt64(size - 7), fileSize: size))
        // The limit itself is allowed: the length is then checked against the file.
        raw.headerLength = 16_777_216
        expectRejection(raw, .headerLengthPastEnd(headerLength: 16_777_216, fileSize: size))
    }

    /// JSON errors carry the offset in the header; the message adds the file offset.
    @Test func rejectsAHeaderThatIsNotJSON() {
        var raw = RawSafetensorsFile.valid()
        raw.header[5] = 0xFF
        expectRejection(raw, .invalidHeaderJSON(JSONError(offset: 5, reason: .invalidUTF8)))
        #expect(SafetensorsError(path: "f", kind: .invalidHeaderJSON(JSONError(offset: 5, reason: .invalidUTF8))).description
            == "f: the header is not valid JSON: invalid UTF-8 at header byte 5 (file offset 13)")
        // The header length cuts the JSON short: the rest is data.
        raw = RawSafetensorsFile.valid()
        raw.headerLength = UInt64(raw.header.count - 1)
        expectRejection(raw, .invalidHeaderJSON(JSONError(offset: raw.header.count - 1, reason: .unexpectedEnd)))
        expectRejection(RawSafetensorsFile(header: "{} \0", data: []), .invalidHeaderJSON(JSONError(offset: 3, reason: .trailingCharacters)))
    }

    /// The safetensors library keeps the last of two entries with one name; this refuses.
    /// The second key starts after `{"a":` (5 bytes), the 47-byte entry and a comma.
    @Test func rejectsATensorNameTwice() {
        let entry = RawSafetensorsFile.entry("U8", [1], 0, 1)
        #expect(entry.utf8.count == 47)
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry),"a":\#(entry)}"#, data: [1]),
                        .invalidHeaderJSON(JSONError(offset: 53, reason: .duplicateKey("a"))))
    }

    @Test func rejectsAHeaderThatIsNotAnObject() {
        expectRejection(RawSafetensorsFile(header: "[]", data: []), .headerNotAnObject(found: "an array"))
        expectRejection(RawSafetensorsFile(header: "null", data: []), .headerNotAnObject(found: "null"))
    }

    @Test func rejectsMetadataThatIsNotAnObjectOfStrings() {
        expectRejection(RawSafetensorsFile(header: #"{"__metadata__":["a"]}"#, data: []), .metadataNotAnObject(found: "an array"))
        expectRejection(RawSafetensorsFile(header: #"{"__metadata__":{"a":"1","b":1}}"#, data: []),
                        .metadataValueNotAString(key: "b", found: "a number"))
        expectRejection(RawSafetensorsFile(header: #"{"__metadata__":{"a":null}}"#, data: []),
                        .metadataValueNotAString(key: "a", found: "null"))
    }

    /// Empty, 1025 bytes, or holding a control character (C0, DEL or C1).
    @Test func rejectsInvalidTensorNames() {
        let entry = RawSafetensorsFile.entry("U8", [1], 0, 1)
        let tooLong = String(repeating: "n", count: 1025)
        for (json, name) in [("", ""), (tooLong, tooLong), (#"a\u0000"#, "a\u{0}"), (#"a\nb"#, "a\nb"),
                             (#"\u007f"#, "\u{7F}"), (#"x\u0085"#, "x\u{85}")] {
            expectRejection(RawSafetensorsFile(header: #"{"\#(json)":\#(entry)}"#, data: [1]), .invalidTensorName(name))
        }
    }

    @Test func rejectsATensorEntryThatIsNotAnObject() {
        expectRejection(RawSafetensorsFile(header: #"{"a":[0,1]}"#, data: [1]), .tensorEntryNotAnObject(tensor: "a", found: "an array"))
        expectRejection(RawSafetensorsFile(header: #"{"a":"F32"}"#, data: []), .tensorEntryNotAnObject(tensor: "a", found: "a string"))
    }

    /// The library ignores unknown fields; this refuses them, the first in file order.
    @Test func rejectsUnknownFields() {
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","offsets":[0,1],"shape":[1],"data_offsets":[0,1],"x":1}}"#, data: [1]),
                        .unknownField(tensor: "a", field: "offsets"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"Dtype":"U8"}}"#, data: [1]), .unknownField(tensor: "a", field: "Dtype"))
    }

    /// The first missing field in the order dtype, shape, data_offsets.
    @Test func rejectsMissingFields() {
        expectRejection(RawSafetensorsFile(header: #"{"a":{"shape":[1],"data_offsets":[0,1]}}"#, data: [1]), .missingField(tensor: "a", field: "dtype"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"data_offsets":[0,1],"dtype":"U8"}}"#, data: [1]), .missingField(tensor: "a", field: "shape"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1]}}"#, data: [1]), .missingField(tensor: "a", field: "data_offsets"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{}}"#, data: []), .missingField(tensor: "a", field: "dtype"))
    }

    @Test func rejectsFieldsOfTheWrongType() {
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":5,"shape":[1],"data_offsets":[0,1]}}"#, data: [1]),
                        .wrongFieldType(tensor: "a", field: "dtype", expected: "a string", found: "a number"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":1,"data_offsets":[0,1]}}"#, data: [1]),
                        .wrongFieldType(tensor: "a", field: "shape", expected: "an array", found: "a number"))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":{"begin":0}}}"#, data: [1]),
                        .wrongFieldType(tensor: "a", field: "data_offsets", expected: "an array", found: "an object"))
    }

    /// Dtype strings are case-sensitive and only the library's.
    @Test func rejectsUnknownDTypes() {
        for dtype in ["f32", "F128", "", "FLOAT32", "Q4_0"] {
            expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry(dtype, [1], 0, 1))}"#, data: [1]),
                            .unknownDType(tensor: "a", dtype: dtype))
        }
    }

    /// F4 (4 bits) and the two F6 types (6 bits) are the library's, refused by name.
    @Test func rejectsSubByteDTypes() {
        for dtype in ["F4", "F6_E2M3", "F6_E3M2"] {
            expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry(dtype, [2], 0, 1))}"#, data: [1]),
                            .subByteDType(tensor: "a", dtype: dtype))
        }
    }

    @Test func rejectsARankAboveSixteen() throws {
        let ones = { (rank: Int) in [Int](repeating: 1, count: rank) }
        #expect(try open(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("U8", ones(16), 0, 1))}"#, data: [1]))
            .tensor("a")?.shape.count == 16)
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("U8", ones(17), 0, 1))}"#, data: [1]),
                        .rankTooLarge(tensor: "a", rank: 17))
    }

    /// A dimension is an integer literal without a sign from 0 to 2^63 - 1: not `2.0`,
    /// `2e0` or `-0` (which the library also refuses), not negative, not a string.
    @Test func rejectsDimensionsThatAreNotNonNegativeIntegers() {
        for (json, found) in [("2.0", "'2.0'"), ("2e0", "'2e0'"), ("-0", "'-0'"), ("-1", "'-1'"), (#""2""#, "a string"), ("null", "null"),
                              ("9223372036854775808", "'9223372036854775808'")] {
            expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1,\#(json)],"data_offsets":[0,1]}}"#, data: [1]),
                            .invalidDimension(tensor: "a", index: 1, found: found))
        }
    }

    /// The element count, multiplied in order, and then the byte size stay at most
    /// 2^63 - 1: 2^62 * 2 = 2^63 elements overflow; 2^61 elements of F32 (2^63 bytes) and
    /// 2^62 of them (2^64 bytes) do too; and a zero after an overflowing product does not
    /// save it.
    @Test func rejectsShapesWhoseByteSizeOverflows() {
        for (shape, dtype) in [([1 << 62, 2], "U8"), ([1 << 60, 2], "F32"), ([1 << 60, 4], "F32"), ([1 << 62, 4, 0], "U8"),
                               ([Int.max, Int.max], "BOOL")] {
            expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry(dtype, shape, 0, 1))}"#, data: [1]),
                            .shapeOverflow(tensor: "a"))
        }
    }

    @Test func rejectsDataOffsetsThatAreNotTwo() {
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, data: [1]),
                        .wrongOffsetCount(tensor: "a", count: 1))
        expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,1]}}"#, data: [1]),
                        .wrongOffsetCount(tensor: "a", count: 3))
    }

    @Test func rejectsOffsetsThatAreNotNonNegativeIntegers() {
        for (json, index, found) in [("[-1,1]", 0, "'-1'"), ("[-0,1]", 0, "'-0'"), ("[0,1.0]", 1, "'1.0'"), ("[null,1]", 0, "null"),
                                     ("[0,18446744073709551616]", 1, "'18446744073709551616'")] {
            expectRejection(RawSafetensorsFile(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":\#(json)}}"#, data: [1]),
                            .invalidOffset(tensor: "a", index: index, found: found))
        }
    }

    @Test func rejectsOffsetsThatEndBeforeTheyBegin() {
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("U8", [0], 1, 0))}"#, data: [1]),
                        .offsetsReversed(tensor: "a", begin: 1, end: 0))
    }

    /// The end is checked against the data buffer, `file size - 8 - N`, here 4 bytes.
    @Test func rejectsOffsetsPastTheDataBuffer() {
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("U8", [5], 0, 5))}"#, data: [1, 2, 3, 4]),
                        .offsetPastEnd(tensor: "a", end: 5, dataSize: 4))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("U8", [0], 9_223_372_036_854_775_807, 9_223_372_036_854_775_807))}"#, data: []),
                        .offsetPastEnd(tensor: "a", end: Int.max, dataSize: 0))
    }

    /// `end - begin` must be the shape's elements times the dtype's size: 2 x 3 F16 is 12.
    @Test func rejectsOffsetsThatDisagreeWithTheShape() {
        let data = [UInt8](repeating: 0, count: 16)
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("F16", [2, 3], 0, 16))}"#, data: data),
                        .byteLengthMismatch(tensor: "a", expected: 12, actual: 16))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(RawSafetensorsFile.entry("F16", [2, 3], 0, 6))}"#, data: data),
                        .byteLengthMismatch(tensor: "a", expected: 12, actual: 6))
    }

    /// Taken in order of their offsets, a tensor that starts before the previous ends
    /// overlaps it; an empty tensor inside another overlaps it too, as the library says.
    @Test func rejectsOverlappingTensors() {
        let entry = RawSafetensorsFile.entry
        let data = [UInt8](repeating: 0, count: 8)
        expectRejection(RawSafetensorsFile(header: #"{"b":\#(entry("U8", [4], 2, 6)),"a":\#(entry("U8", [4], 0, 4)),"c":\#(entry("U8", [2], 6, 8))}"#, data: data),
                        .overlappingTensors("a", "b"))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry("U8", [8], 0, 8)),"e":\#(entry("U8", [0], 3, 3))}"#, data: data),
                        .overlappingTensors("a", "e"))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry("U8", [8], 0, 8)),"b":\#(entry("U8", [8], 0, 8))}"#, data: data),
                        .overlappingTensors("a", "b"))
    }

    @Test func rejectsBytesBetweenTensors() {
        let entry = RawSafetensorsFile.entry
        let data = [UInt8](repeating: 0, count: 8)
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry("U8", [2], 0, 2)),"b":\#(entry("U8", [4], 4, 8))}"#, data: data),
                        .gapBeforeTensor(tensor: "b", gapStart: 2, gapEnd: 4))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry("U8", [8], 0, 8)),"z":\#(entry("U8", [0], 8, 8))}"#, data: data + [0]),
                        .dataNotCovered(uncoveredStart: 8, dataSize: 9))
        expectRejection(RawSafetensorsFile(header: #"{"a":\#(entry("U8", [7], 1, 8))}"#, data: data),
                        .gapBeforeTensor(tensor: "a", gapStart: 0, gapEnd: 1))
    }

    /// Bytes after the last tensor, or data in a file with no tensors, belong to none.
    @Test func rejectsDataAfterTheLastTensor() {
        var raw = RawSafetensorsFile.valid()
        raw.data.append(0)
        expectRejection(raw, .dataNotCovered(uncoveredStart: 11, dataSize: 12))
        expectRejection(RawSafetensorsFile(header: "{}", data: [0]), .dataNotCovered(uncoveredStart: 0, dataSize: 1))
    }

    // MARK: - Helpers

    private func open(_ raw: RawSafetensorsFile) throws -> SafetensorsFile {
        try raw.bytes().withUnsafeBytes { try SafetensorsFile(bytes: $0, name: "test") }
    }

    private func expectRejection(_ raw: RawSafetensorsFile, _ kind: SafetensorsError.Kind,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        expectRejection(raw.bytes(), kind, sourceLocation: sourceLocation)
    }

    private func expectRejection(_ bytes: [UInt8], _ kind: SafetensorsError.Kind, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: SafetensorsError(path: "test", kind: kind), sourceLocation: sourceLocation) {
            try bytes.withUnsafeBytes { try SafetensorsFile(bytes: $0, name: "test") }
        }
    }
}
