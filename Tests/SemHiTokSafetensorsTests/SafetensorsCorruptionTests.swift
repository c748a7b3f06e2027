import Foundation
import SemHiTok
import SemHiTokSafetensors
import TestSupport
import Testing

/// Seeded random damage to `golden/safetensors/example.safetensors` has the outcome
/// Spec/safetensors.md section 4 predicts, rejection kind included; where the prediction
/// stops (a changed header that still fits the file), the outcome is one of the kinds the
/// header checks allow, and an accepted file keeps every guarantee the reader gives, its
/// table agreeing with what Foundation's JSON reader makes of the header. The reader never
/// crashes, hangs or reads out of bounds on the way. The test also checks that its trials
/// reach the main outcomes, so that none is left unchecked.
struct SafetensorsCorruptionTests {
    /// Every second trial sets the header length to the file size less 8 and less the
    /// original data buffer, as if the header had grown or shrunk by the damage, so that
    /// damaged headers reach the JSON parser and the checks after it; every fourth trial
    /// reads the file from disk, the others from memory.
    ///
    /// The prediction runs steps 1 to 3 on the damaged bytes. When the header is the
    /// original's, byte for byte, so is the table (golden/safetensors/README.md), and only
    /// the data buffer's size decides: smaller, the first tensor in header order that ends
    /// past it is *offset past end*; larger, the bytes after the last tensor are *data not
    /// covered*; the same, the file is accepted with the original table and the damaged
    /// bytes, which no check covers (the format has no checksums).
    @Test func damagedFilesHaveThePredictedOutcomes() throws {
        let original = try readBytes(RepositoryPaths.golden("safetensors/example.safetensors"))
        let folder = try TemporaryDirectory()
        let tally = try tallyDamage(to: [original], seed: 23, trials: 3000, fieldEdits: Self.fieldEdits,
                                    repair: Self.repairHeaderLength) { file in
            let outcome: Result<SafetensorsFile, any Error>
            if file.trial % 4 == 0 {
                let path = folder.file("damaged.safetensors")
                try writeBytes(file.bytes, to: path)
                outcome = Result { try SafetensorsFile(contentsOf: path) }
            } else {
                outcome = Result { try file.bytes.withUnsafeBytes { try SafetensorsFile(bytes: $0, name: "damaged") } }
            }
            switch (Self.predictedOutcome(of: file), outcome) {
            case (.accepted, .success(let read)):
                return Self.problem(read, in: file.bytes).map { .ruledOut($0) }
                    ?? (read.tensors.map(\.name).sorted() == Self.exampleNames ? .allowed("accepted") : .ruledOut("accepted another table"))
            case (.rejected(let kind), .failure(let error as SafetensorsError)) where error.kind == kind:
                return .allowed(caseName(of: kind))
            case (.parsedHeader, .failure(let error as SafetensorsError)) where Self.isHeaderRejection(error.kind):
                return .allowed(caseName(of: error.kind))
            case (.parsedHeader, .success(let read)):
                return Self.problem(read, in: file.bytes).map { .ruledOut($0) } ?? .allowed("accepted, header changed")
            case (let predicted, _):
                return .ruledOut("predicted \(predicted), got \(outcome)")
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: [
            "accepted", "accepted, header changed", "fileTooSmall", "headerTooLarge", "headerLengthPastEnd",
            "invalidHeaderJSON", "offsetPastEnd", "dataNotCovered", "byteLengthMismatch", "unknownDType", "unknownField",
        ]))
    }

    private static let exampleNames = SafetensorsFixtures.exampleTensors.map(\.name).sorted()
    private static let exampleHeaderEnd = 8 + SafetensorsFixtures.exampleHeaderLength

    /// On even trials, the header length that leaves the original data buffer's size after
    /// the header, where the file is long enough for one.
    private static func repairHeaderLength(_ bytes: inout [UInt8], trial: Int) {
        let headerLength = bytes.count - 8 - SafetensorsFixtures.exampleDataSize
        guard trial % 2 == 0, headerLength >= 0 else { return }
        bytes.setLittleEndian(UInt64(headerLength), at: 0)
    }

    /// What Spec/safetensors.md section 4 predicts for a damaged `example.safetensors`.
    private enum Outcome {
        case accepted
        case rejected(SafetensorsError.Kind)
        /// The header changed and fits the file: what the parser makes of it.
        case parsedHeader
    }

    /// Steps 1 to 3, then, for the original header, the table against the data's size.
    private static func predictedOutcome(of file: DamagedFile) -> Outcome {
        let bytes = file.bytes
        guard bytes.count >= 8 else { return .rejected(.fileTooSmall(fileSize: bytes.count)) }
        let headerLength = bytes.littleEndian(at: 0, as: UInt64.self)
        guard headerLength <= 16_777_216 else { return .rejected(.headerTooLarge(headerLength: headerLength)) }
        guard 8 + Int(headerLength) <= bytes.count else {
            return .rejected(.headerLengthPastEnd(headerLength: headerLength, fileSize: bytes.count))
        }
        guard bytes[8..<(8 + Int(headerLength))] == file.original[8..<exampleHeaderEnd] else { return .parsedHeader }
        let dataSize = bytes.count - exampleHeaderEnd
        if let tensor = SafetensorsFixtures.exampleTensors.first(where: { $0.end > dataSize }) {
            return .rejected(.offsetPastEnd(tensor: tensor.name, end: tensor.end, dataSize: dataSize))
        }
        if dataSize > SafetensorsFixtures.exampleDataSize {
            return .rejected(.dataNotCovered(uncoveredStart: SafetensorsFixtures.exampleDataSize, dataSize: dataSize))
        }
        return .accepted
    }

    /// Whether `kind` is a rejection of steps 4 onwards, which a changed header that fits
    /// the file may get.
    private static func isHeaderRejection(_ kind: SafetensorsError.Kind) -> Bool {
        switch kind {
        case .fileTooSmall, .headerTooLarge, .headerLengthPastEnd: false
        case .indexTooLarge, .invalidIndexJSON, .indexNotAnObject, .unknownIndexField, .missingWeightMap, .indexFieldWrongType,
             .shardNameNotAString, .invalidShardName, .missingShard, .tensorInTwoShards, .tensorNotInWeightMap,
             .tensorInWrongShard, .tensorNotInShard, .noCheckpoint, .ambiguousCheckpoint: false
        default: true
        }
    }

    /// What breaks, in a file the reader accepted, the guarantees of section 4: the table
    /// is what Foundation's JSON reader finds in the header (dtype, shape and offsets of
    /// every entry, and the metadata); names are valid and sorted by their bytes; each
    /// tensor's bytes are its shape's, in place in the file; and the tensors cover the data
    /// buffer exactly. Nil when nothing does.
    private static func problem(_ file: SafetensorsFile, in bytes: [UInt8]) -> String? {
        let dataStart = 8 + Int(bytes.littleEndian(at: 0, as: UInt64.self))
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
            return "accepted a header Foundation does not read as an object"
        }
        let metadata = header["__metadata__"] as? [String: String] ?? [:]
        guard file.metadata == metadata, header.count == file.tensors.count + (header["__metadata__"] == nil ? 0 : 1) else {
            return "accepted \(file.tensors.count) tensors and metadata \(file.metadata) from \(header)"
        }
        let names = file.tensors.map { Array($0.name.utf8) }
        guard zip(names, names.dropFirst()).allSatisfy({ $0.lexicographicallyPrecedes($1) }) else {
            return "accepted tensors not in strictly ascending order: \(file.tensors.map(\.name))"
        }
        for tensor in file.tensors {
            guard let entry = header[tensor.name] as? [String: Any], entry["dtype"] as? String == tensor.dtype.rawValue,
                  (entry["shape"] as? [NSNumber])?.map(\.intValue) == tensor.shape,
                  (entry["data_offsets"] as? [NSNumber])?.map({ dataStart + $0.intValue }) == [tensor.byteRange.lowerBound, tensor.byteRange.upperBound]
            else {
                return "accepted \(tensor), the header says \(String(describing: header[tensor.name]))"
            }
            let validName = !tensor.name.isEmpty && tensor.name.utf8.count <= 1024
                && !tensor.name.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
            guard validName, let size = SafetensorsFixtures.elementSizes[tensor.dtype.rawValue],
                  tensor.byteRange.count == tensor.shape.reduce(size, *), tensor.byteRange.upperBound <= bytes.count,
                  withExtendedLifetime(file, { Array(file.bytes(of: tensor)) }) == Array(bytes[tensor.byteRange]) else {
                return "accepted \(tensor) in a file of \(bytes.count) bytes"
            }
        }
        var position = dataStart
        for range in file.tensors.map(\.byteRange).sorted(by: { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }) {
            guard range.lowerBound == position else { return "accepted ranges that do not follow one another at \(position)" }
            position = range.upperBound
        }
        return position == bytes.count ? nil : "accepted ranges that end at \(position), the file at \(bytes.count)"
    }

    /// Besides the generic edits: a header length set to an extreme or telling value, and
    /// a byte of the header replaced by a digit or a character that matters in JSON, so
    /// that the damage reaches the checks of the shapes and offsets.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 2, 1015, 1016, 1017, 16_777_216, 16_777_217, 1 << 32, 1 << 63, .max, .max - 7] as [UInt64], width: 8) { value in
            (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        },
        .oneOf(Array("0123456789".utf8), width: 1) { [$0] },
        .oneOf(Array(#" "{}[],:-.e\u"#.utf8), width: 1) { [$0] },
    ]
}
