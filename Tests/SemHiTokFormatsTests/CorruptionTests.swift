import SemHiTok
@testable import SemHiTokFormats
import TestSupport
import Testing

/// Seeded random damage to the committed example files (golden/formats/README.md) has the
/// outcome the format's spec predicts, rejection kind included; where the prediction stops
/// (a damaged header whose checksum the trial recomputed), the outcome is one of the
/// kinds the spec allows there, and an accepted file keeps the guarantees the reader gives.
/// The readers never crash, hang or read out of bounds on the way. Each test also checks
/// that its trials reach the main outcomes it describes, so that none is left unchecked.
struct CorruptionTests {
    /// `example.shw`, read with the tensor checksums every third trial and without them
    /// otherwise; every second trial recomputes `file_length` and the header CRC after the
    /// damage, so that damaged headers reach the parser.
    ///
    /// The prediction runs the checks of Spec/weights.md section 4 in their order: steps 1
    /// to 7 on the damaged preamble; then, while the header is the original's, its tensor
    /// table (golden/formats/README.md): the first tensor that ends past the file is *offset
    /// out of bounds*, and a verifying read rejects the first tensor whose bytes changed
    /// with *tensor checksum mismatch*. So a file is accepted exactly when its damage is in
    /// bytes the format cannot see: the gap between the header and the data section and
    /// the padding between tensors (no checksum covers them, none of the checks reads them,
    /// and section 4 says such bytes carry no meaning), bytes after the last tensor once
    /// the length was recomputed, and, without verification, tensor data. A changed header that matches its recomputed CRC is
    /// parsed: the outcome is then a rejection of steps 8 to 10, or a table that keeps
    /// what steps 8 and 9 guarantee (and step 10's, when verifying).
    @Test func damagedWeightFilesHaveThePredictedOutcomes() throws {
        let original = try readBytes(RepositoryPaths.golden("formats/example.shw"))
        let folder = try TemporaryDirectory()
        let tally = try tallyDamage(to: [original], seed: 21, trials: 3000, fieldEdits: Self.fieldEdits,
                                    repair: Self.repairWeightPreamble) { file in
            let verifying = file.trial % 3 == 0
            let path = folder.file("damaged-\(file.trial % 4).shw")
            try writeBytes(file.bytes, to: path)
            let outcome = Result { try WeightFile(contentsOf: path, verifyingTensorData: verifying) }
            switch (Self.predictedOutcome(of: file, verifying: verifying), outcome) {
            case (.accepted, .success):
                return .allowed("accepted")
            case (.rejected(let kind), .failure(let error as WeightFileError)) where error.kind == kind:
                return .allowed(caseName(of: kind))
            case (.parsedHeader, .failure(let error as WeightFileError))
                where Self.isParsingRejection(error.kind, verifying: verifying):
                return .allowed(caseName(of: error.kind))
            case (.parsedHeader, .success(let weights)):
                let problem = Self.tableProblem(weights, in: file.bytes, verifying: verifying)
                return problem.map { .ruledOut($0) } ?? .allowed("accepted, header changed")
            case (let predicted, _):
                return .ruledOut("predicted \(predicted), got \(outcome)")
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "accepted, header changed", "fileLengthMismatch",
                                                        "headerChecksumMismatch", "offsetOutOfBounds", "tensorChecksumMismatch"]))
    }

    /// Sets `file_length` to the size and recomputes the header CRC, on even trials, when
    /// the header length still fits in the file.
    private static func repairWeightPreamble(_ bytes: inout [UInt8], trial: Int) {
        guard trial % 2 == 0, bytes.count >= 32 else { return }
        let headerLength = bytes.littleEndian(at: 16, as: UInt64.self)
        guard headerLength <= UInt64(bytes.count - 32) else { return }
        bytes.setLittleEndian(UInt64(bytes.count), at: 24)
        bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<(32 + Int(headerLength))])), at: 12)
    }

    /// What Spec/weights.md section 4 predicts for a damaged `example.shw`.
    private enum WeightOutcome {
        case accepted
        case rejected(WeightFileError.Kind)
        /// The header changed and matches its CRC: what the parser makes of it.
        case parsedHeader
    }

    /// The tensors of `example.shw` (golden/formats/README.md): name, offset, and byte
    /// length, the element size times the shape's product.
    private static let exampleTensors: [(name: String, offset: Int, byteLength: Int)] = [
        ("a.f32", 576, 4 * 2 * 3), ("b.f16", 640, 2 * 4), ("c.bf16", 704, 2 * 2 * 2), ("d.i32", 768, 4 * 3),
        ("e.u8", 832, 1 * 5), ("f.scalar", 896, 4), ("g.empty", 960, 4 * 0 * 4),
    ]
    /// `32 + header_length` of `example.shw`: its header is bytes 32 to 527.
    private static let exampleHeaderEnd = 32 + 495

    /// The checks of Spec/weights.md section 4, in order, on a damaged `example.shw`.
    private static func predictedOutcome(of file: DamagedFile, verifying: Bool) -> WeightOutcome {
        let bytes = file.bytes
        guard bytes.count >= 32 else { return .rejected(.truncatedPreamble(fileSize: bytes.count)) }
        guard bytes[0..<8] == file.original[0..<8] else { return .rejected(.notAWeightFile) }
        let version = bytes.littleEndian(at: 8, as: UInt32.self)
        guard version == 1 else { return .rejected(.unsupportedVersion(version)) }
        let headerLength = bytes.littleEndian(at: 16, as: UInt64.self)
        guard headerLength <= 16 << 20 else { return .rejected(.headerTooLarge(headerLength: headerLength)) }
        let headerEnd = 32 + Int(headerLength)
        guard headerEnd <= bytes.count else {
            return .rejected(.headerLengthPastEnd(headerLength: headerLength, fileSize: bytes.count))
        }
        let stored = bytes.littleEndian(at: 12, as: UInt32.self)
        let computed = CRC32C.checksum(Array(bytes[16..<headerEnd]))
        guard stored == computed else { return .rejected(.headerChecksumMismatch(stored: stored, computed: computed)) }
        let fileLength = bytes.littleEndian(at: 24, as: UInt64.self)
        guard fileLength == UInt64(bytes.count) else {
            return .rejected(.fileLengthMismatch(declared: fileLength, actual: bytes.count))
        }
        guard bytes[32..<headerEnd] == file.original[32..<exampleHeaderEnd] else { return .parsedHeader }
        if let tensor = exampleTensors.first(where: { $0.offset + $0.byteLength > bytes.count }) {
            return .rejected(.offsetOutOfBounds(tensor: tensor.name, offset: UInt64(tensor.offset),
                                                byteLength: UInt64(tensor.byteLength)))
        }
        if verifying, let changed = exampleTensors.first(where: { tensor in
            let range = tensor.offset..<(tensor.offset + tensor.byteLength)
            return bytes[range] != file.original[range]
        }) {
            return .rejected(.tensorChecksumMismatch(tensor: changed.name))
        }
        return .accepted
    }

    /// Whether `kind` is a rejection of Spec/weights.md section 4 steps 8 to 10 (step 10
    /// only when `verifying`): what a header that matches its CRC may still be rejected with.
    private static func isParsingRejection(_ kind: WeightFileError.Kind, verifying: Bool) -> Bool {
        switch kind {
        case .truncatedHeader, .invalidName, .duplicateKey, .duplicateTensorName, .entriesNotSorted, .unknownValueType,
             .invalidUTF8, .unknownDType, .rankTooLarge, .shapeOverflow, .byteLengthMismatch, .misalignedOffset,
             .offsetInsideHeader, .offsetOutOfBounds, .trailingHeaderBytes, .overlappingTensors:
            return true
        case .tensorChecksumMismatch:
            return verifying
        default:
            return false
        }
    }

    /// What breaks, in the table of a file the reader accepted, what Spec/weights.md
    /// section 4 steps 8 and 9 guarantee (names strictly ascending; each tensor's byte
    /// length its shape's, its offset aligned, after the header and in the file; no two
    /// tensors overlapping) or, when `verifying`, step 10 (each tensor's CRC-32C); nil
    /// when nothing does.
    private static func tableProblem(_ weights: WeightFile, in bytes: [UInt8], verifying: Bool) -> String? {
        let dataStart = (32 + Int(bytes.littleEndian(at: 16, as: UInt64.self)) + 63) / 64 * 64
        let names = weights.tensors.map { Array($0.name.utf8) }
        guard zip(names, names.dropFirst()).allSatisfy({ $0.lexicographicallyPrecedes($1) }) else {
            return "accepted tensors not in strictly ascending order: \(weights.tensors.map(\.name))"
        }
        for tensor in weights.tensors {
            guard tensor.byteLength == tensor.shape.reduce(tensor.dtype.elementSize, &*), tensor.offset % 64 == 0,
                  tensor.offset >= dataStart, tensor.offset + tensor.byteLength <= bytes.count else {
                return "accepted \(tensor) in a file of \(bytes.count) bytes whose data starts at \(dataStart)"
            }
            let range = tensor.offset..<(tensor.offset + tensor.byteLength)
            guard !verifying || CRC32C.checksum(Array(bytes[range])) == tensor.checksum else {
                return "accepted \(tensor) whose bytes do not match its CRC-32C"
            }
        }
        let placed = weights.tensors.filter { $0.byteLength > 0 }.sorted { $0.offset < $1.offset }
        if let overlap = zip(placed, placed.dropFirst()).first(where: { $0.offset + $0.byteLength > $1.offset }) {
            return "accepted overlapping tensors \(overlap.0) and \(overlap.1)"
        }
        return nil
    }

    /// `example.sht` (finished) and `example_unfinished.sht` (no index block) in turn,
    /// opened for random access; two trials in three recompute the header CRC after the
    /// damage, and one in three also the index CRC.
    ///
    /// A token file has no byte that no check covers: the header's fields and every record
    /// are under a CRC-32C, and the index block under its own. So the prediction is exact
    /// wherever the damage did not reach a recomputed checksum. Opening runs the header
    /// checks of Spec/tokens.md section 2.1 on the damaged bytes and fails only there (a
    /// reader must not fail the whole file for a missing index). When the index block is
    /// the original's (the same bytes, ending the file), it is used: every record whose
    /// bytes are unchanged (and whose tokens are below `K * m` of the possibly changed
    /// header) reads as the original's, every other is *corrupt record k*. Otherwise the
    /// file is scanned: the records read are the original's unchanged leading records, and
    /// every byte after them is the torn tail (none when they end the file, as when the
    /// file was cut at a record boundary); a cut inside a record leaves an *incomplete
    /// record*. A changed index is used only when the trial recomputed its CRC, and then
    /// every record read is one of the original's.
    @Test func damagedTokenFilesReadByRandomAccessHaveThePredictedOutcomes() throws {
        let tally = try Self.tallyTokenFileDamage(open: TokenFile.init(contentsOf:)) { tokens, file, vocabularySize in
            let records = (0..<tokens.recordCount).map { index in Result { try tokens.record(at: index) } }
            if Self.hasTheOriginalIndex(file) {
                return Self.verdictOnIndexedRead(tokens, records: records, file: file, vocabularySize: vocabularySize)
            }
            if tokens.hasIndex {
                return Self.verdictOnChangedIndex(records: records, file: file)
            }
            let (count, end) = Self.leadingRecords(of: file, vocabularySize: vocabularySize)
            guard records.map({ try? $0.get() }) == FormatFixtures.exampleRecords[..<count].map(Optional.some) else {
                return .ruledOut("a scan read \(records), expected the first \(count) records")
            }
            return Self.verdict(onTornTail: tokens.tornTail, after: end, of: file)
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "corrupt records", "changed index", "torn tail: incomplete",
                                                        "headerChecksumMismatch", "invalidHeader"]))
    }

    /// The same damaged files as the random-access test (the same seed and repairs), read
    /// front to back by the stream reader. Opening runs the header checks of Spec/tokens.md
    /// section 2.1; the records delivered are the original's unchanged leading records;
    /// then the stream ends cleanly where they end the file or where the original index
    /// block, unchanged, follows them; otherwise the rest is the torn tail (*incomplete
    /// record* when the file was cut inside a record). An index block that changed but
    /// follows all three records may also end the stream cleanly when the trial
    /// recomputed its CRC: a stream reader checks it "as in 2.2", which it may then pass.
    @Test func damagedTokenFilesReadAsAStreamHaveThePredictedOutcomes() throws {
        let tally = try Self.tallyTokenFileDamage(open: TokenStreamReader.init(path:)) { stream, file, vocabularySize in
            var records: [TokenRecord] = []
            var tornTail: TornTail? = nil
            do {
                while let record = try stream.next() { records.append(record) }
            } catch let error as TokenFileError {
                guard case .tornTail(let tail) = error.kind else { return .ruledOut("the stream ended with \(error)") }
                tornTail = tail
            } catch {
                return .ruledOut("the stream ended with \(error)")
            }
            let (count, end) = Self.leadingRecords(of: file, vocabularySize: vocabularySize)
            guard records == Array(FormatFixtures.exampleRecords[..<count]) else {
                return .ruledOut("the stream gave \(records), expected the first \(count) records")
            }
            if count == 3, file.bytes.count > end, file.original.count > end {
                if file.bytes[end...] == file.original[end...] {
                    return tornTail == nil ? .allowed("accepted") : .ruledOut("the original index gave \(tornTail!)")
                }
                if tornTail == nil, file.trial % 3 == 1 { return .allowed("accepted, index changed") }
            }
            return Self.verdict(onTornTail: tornTail, after: end, of: file)
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "torn tail: incomplete", "headerChecksumMismatch"]))
    }

    /// The trials of the token-file tests, the same for every reader: `example.sht`
    /// (finished) and `example_unfinished.sht` in turn, damaged, repaired, written and
    /// opened with `open`. A rejection must be the one the header checks predict; a file
    /// whose header is valid must open, and `judge` decides on the rest, given the reader
    /// and the header's vocabulary `K * m`.
    private static func tallyTokenFileDamage<Reader>(open: (String) throws -> Reader,
                                                     judge: (Reader, DamagedFile, Int) -> DamageVerdict) throws -> DamageTally {
        let originals = try ["example.sht", "example_unfinished.sht"].map {
            try readBytes(RepositoryPaths.golden("formats/" + $0))
        }
        let folder = try TemporaryDirectory()
        return try tallyDamage(to: originals, seed: 22, trials: 3000, fieldEdits: fieldEdits,
                               repair: repairTokenChecksums) { file in
            let path = folder.file("damaged-\(file.trial % 4).sht")
            try writeBytes(file.bytes, to: path)
            let opened = Result { try open(path) }
            switch (predictedHeader(of: file), opened) {
            case (.rejected(let kind), _):
                return verdict(on: opened, predicted: kind)
            case (.valid(let vocabularySize), .success(let reader)):
                return judge(reader, file, vocabularySize)
            case (.valid, .failure(let error)):
                return .ruledOut("a file with a valid header was refused: \(error)")
            }
        }
    }

    /// Recomputes the header CRC unless the trial's number is a multiple of 3, and the CRC
    /// of what the trailer says is the index block when it leaves 1.
    private static func repairTokenChecksums(_ bytes: inout [UInt8], trial: Int) {
        if trial % 3 != 0, bytes.count >= 64 {
            bytes.setLittleEndian(CRC32C.checksum(Array(bytes[16..<64])), at: 12)
        }
        if trial % 3 == 1, bytes.count >= 96 {
            let start = Int(truncatingIfNeeded: bytes.littleEndian(at: bytes.count - 16, as: UInt64.self))
            if (64..<(bytes.count - 8)).contains(start) {
                bytes.setLittleEndian(CRC32C.checksum(Array(bytes[start..<(bytes.count - 8)])), at: bytes.count - 8)
            }
        }
    }

    /// What the header checks of Spec/tokens.md section 2.1 make of a damaged file.
    private enum TokenHeader {
        case rejected(TokenFileError.Kind)
        /// The header is valid, with vocabulary `K * m`.
        case valid(vocabularySize: Int)
    }

    /// The checks of Spec/tokens.md section 2.1, in the order it lists them.
    private static func predictedHeader(of file: DamagedFile) -> TokenHeader {
        let bytes = file.bytes
        guard bytes.count >= 64 else { return .rejected(.truncatedHeader(fileSize: bytes.count)) }
        guard bytes[0..<8] == file.original[0..<8] else { return .rejected(.notATokenFile) }
        let version = bytes.littleEndian(at: 8, as: UInt32.self)
        guard version == 1 else { return .rejected(.unsupportedVersion(version)) }
        guard bytes.littleEndian(at: 12, as: UInt32.self) == CRC32C.checksum(Array(bytes[16..<64])) else {
            return .rejected(.headerChecksumMismatch)
        }
        let fields = [48, 52, 56, 60].map { UInt64(bytes.littleEndian(at: $0, as: UInt32.self)) }
        guard !fields.contains(0), fields[0] * fields[1] <= UInt64(Int32.max) else {
            return .rejected(.invalidHeader("K, m or the grid"))
        }
        return .valid(vocabularySize: Int(fields[0] * fields[1]))
    }

    /// Whether `outcome` is the rejection with `predicted`'s kind (for *invalid header*,
    /// whatever the detail it gives).
    private static func verdict<Value>(on outcome: Result<Value, any Error>, predicted: TokenFileError.Kind) -> DamageVerdict {
        guard case .failure(let error as TokenFileError) = outcome else {
            return .ruledOut("predicted \(predicted), got \(outcome)")
        }
        switch (predicted, error.kind) {
        case (.invalidHeader, .invalidHeader): break
        case (_, predicted): break
        default: return .ruledOut("predicted \(predicted), got \(error)")
        }
        return .allowed(caseName(of: predicted))
    }

    /// The offsets of the original's records (golden/formats/README.md) and where they end.
    private static let recordStarts = [64, 120, 144]
    private static let recordsEnd = 200

    /// Whether record `index` of the original is in `file` unchanged, with tokens below
    /// `vocabularySize`.
    private static func isIntact(_ index: Int, in file: DamagedFile, vocabularySize: Int) -> Bool {
        let range = recordStarts[index]..<(recordStarts[index] + FormatFixtures.exampleRecordSizes[index])
        return range.upperBound <= file.bytes.count && file.bytes[range] == file.original[range]
            && FormatFixtures.exampleRecords[index].tokens.allSatisfy { Int($0) < vocabularySize }
    }

    /// How many of the original's records lead `file` intact, and the offset where they end.
    private static func leadingRecords(of file: DamagedFile, vocabularySize: Int) -> (count: Int, end: Int) {
        let count = recordStarts.indices.first { !isIntact($0, in: file, vocabularySize: vocabularySize) } ?? 3
        return (count, count < 3 ? recordStarts[count] : recordsEnd)
    }

    /// Whether `file` ends with the original's index block, unchanged and in its place.
    private static func hasTheOriginalIndex(_ file: DamagedFile) -> Bool {
        file.original.count > recordsEnd && file.bytes.count == file.original.count
            && file.bytes[recordsEnd...] == file.original[recordsEnd...]
    }

    /// Reading through the original index: each record reads as the original's if intact,
    /// else is *corrupt record k*.
    private static func verdictOnIndexedRead(_ tokens: TokenFile, records: [Result<TokenRecord, any Error>],
                                             file: DamagedFile, vocabularySize: Int) -> DamageVerdict {
        guard tokens.hasIndex, tokens.tornTail == nil, records.count == 3 else {
            return .ruledOut("the original index gave \(records.count) records, hasIndex \(tokens.hasIndex), "
                             + "torn tail \(String(describing: tokens.tornTail))")
        }
        for (index, record) in records.enumerated() {
            if isIntact(index, in: file, vocabularySize: vocabularySize) {
                guard (try? record.get()) == FormatFixtures.exampleRecords[index] else {
                    return .ruledOut("intact record \(index) read as \(record)")
                }
            } else {
                guard case .failure(let error as TokenFileError) = record,
                      case .corruptRecord(index, recordStarts[index], _) = error.kind else {
                    return .ruledOut("changed record \(index) read as \(record)")
                }
            }
        }
        return .allowed(records.allSatisfy { (try? $0.get()) != nil } ? "accepted" : "corrupt records")
    }

    /// Reading through an index that changed but was found valid: only when its CRC was
    /// recomputed, and every record read is one of the original's.
    private static func verdictOnChangedIndex(records: [Result<TokenRecord, any Error>], file: DamagedFile) -> DamageVerdict {
        guard file.trial % 3 == 1 else { return .ruledOut("a changed index whose CRC was not recomputed was used") }
        for (index, record) in records.enumerated() {
            switch record {
            case .success(let read) where FormatFixtures.exampleRecords.contains(read):
                continue
            case .failure(let error as TokenFileError):
                guard case .corruptRecord(index, _, _) = error.kind else { return .ruledOut("record \(index): \(error)") }
            default:
                return .ruledOut("record \(index) read as \(record)")
            }
        }
        return .allowed("changed index")
    }

    /// The torn tail a scan or a stream must report after the intact records, which end at
    /// `end`: everything from there to the end of the file, and none when nothing is left.
    private static func verdict(onTornTail tornTail: TornTail?, after end: Int, of file: DamagedFile) -> DamageVerdict {
        guard end < file.bytes.count else {
            return tornTail == nil ? .allowed("accepted") : .ruledOut("a torn tail \(tornTail!) after the last byte")
        }
        guard let tornTail, tornTail.offset == end, tornTail.length == file.bytes.count - end else {
            let expected = "a torn tail of \(file.bytes.count - end) bytes at \(end)"
            return .ruledOut("expected \(expected), got \(String(describing: tornTail))")
        }
        if file.isCut, end < recordsEnd {
            guard case .incomplete = tornTail.problem else { return .ruledOut("a cut inside a record gave \(tornTail)") }
        }
        return .allowed("torn tail: \(caseName(of: tornTail.problem))")
    }

    /// Besides the generic edits: overwrite a little-endian 64-bit field with an extreme
    /// value, or a 32-bit one with a random value.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 63, 64, 0xFFFF, 1 << 31, 1 << 32, 1 << 62, UInt64(Int64.max), .max, .max - 63] as [UInt64], width: 8) { value in
            (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        },
        FieldEdit(width: 4) { bytes, position, generator in
            bytes.setLittleEndian(UInt32(truncatingIfNeeded: generator.next()), at: position)
        },
    ]
}
