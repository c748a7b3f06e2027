import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid PNGs has the outcome Spec/png.md predicts, and the decoder
/// never crashes, hangs or reads out of bounds on the way. The test also checks that its
/// trials reach every kind of outcome it describes, so that none is left unchecked.
struct PNGCorruptionTests {
    /// Eight fixtures in turn; every second trial recomputes the CRC of every chunk that
    /// still fits after the damage, so that the damage reaches the header checks, the
    /// inflater, the filters and the pixel conversion.
    ///
    /// The prediction walks the damaged file's chunks beside the original's (Spec/png.md
    /// section 2): the chunks that are unchanged are valid as in the original, so the first
    /// changed chunk decides. A changed signature is *corrupt*; the framing checks of
    /// section 2, item 2, in their order, give *truncated* (so does every cut: "every
    /// proper prefix of a valid file is truncated"), *corrupt* for a length above 2^31 - 1
    /// or a type that is not four letters, and *checksumMismatch* for a changed chunk
    /// whose CRC was not recomputed. Bytes after an unchanged IEND are *corrupt*.
    ///
    /// When the first changed chunk is framed correctly with a right CRC, what its content
    /// means decides, and any kind may follow; then *tooLarge* must name the damaged
    /// IHDR's size, above the limit, and *unsupported* needs an unknown critical chunk. An
    /// accepted file must then be framed correctly to its end, with every CRC right and no
    /// unknown critical chunk, and give an image of its IHDR's size. The fixtures have no
    /// ancillary chunks besides tRNS, so no byte of them is ignored: if IHDR, PLTE, tRNS
    /// and the image data are unchanged, the pixels are the original's (the image data's
    /// Adler-32 protects what it inflates to); otherwise they may differ, as a changed
    /// palette or transparency means other pixels.
    @Test func damagedFilesHaveThePredictedOutcomes() throws {
        let names = ["palette8_trns_adam7.png", "rgb16_trns_lowbyte.png", "grey1_adam7_13x9.png", "rgba8_fixed_huffman.png",
                     "grey_alpha16_adam7.png", "rgb8_trns_split_idat.png", "palette8_stored.png", "rgb8_97x61_level9.png"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/png/fixtures/" + $0)) }
        let decodedOriginals = try originals.map { try PNGDecoder.decode($0) }
        let tally = tallyDamage(to: originals, seed: 51, trials: 4000, fieldEdits: Self.fieldEdits, repair: { bytes, trial in
            if trial % 2 == 0 { Self.fixChunkCRCs(&bytes) }
        }) { file in
            let predicted = Self.predictedKind(of: file)
            let decodedOriginal = decodedOriginals[file.trial % originals.count]
            do throws(ImageDecodingProblem) {
                let image = try PNGDecoder.decode(file.bytes)
                switch predicted {
                case .some("accepted"):
                    return image == decodedOriginal ? .allowed("accepted") : .ruledOut("the unchanged file decoded differently")
                case .some(let kind):
                    return .ruledOut("predicted \(kind), the file was accepted")
                case nil:
                    return Self.verdict(onAccepted: image, file: file, decodedOriginal: decodedOriginal)
                }
            } catch {
                switch predicted {
                case .some(let kind):
                    return caseName(of: error) == kind ? .allowed(kind) : .ruledOut("predicted \(kind), got \(error)")
                case nil:
                    return Self.verdict(onRejection: error, of: file.bytes)
                }
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "accepted, pixel data changed", "checksumMismatch",
                                                        "corrupt", "truncated", "tooLarge", "unsupported"]))
    }

    /// The outcome Spec/png.md predicts for `file` from its first changed chunk: "accepted"
    /// for the unchanged file, the kind of the rejection, or nil when the changed chunk is
    /// framed correctly with a right CRC.
    private static func predictedKind(of file: DamagedFile) -> String? {
        let bytes = file.bytes, original = file.original
        let signatureLength = min(bytes.count, 8)
        guard bytes[..<signatureLength] == original[..<signatureLength] else { return "corrupt" }
        var offset = 8
        while true {
            let end = offset + 12 + bigEndian(original, at: offset)
            if end <= bytes.count, bytes[offset..<end] == original[offset..<end] {
                if end == original.count { return end == bytes.count ? "accepted" : "corrupt" }
                offset = end
                continue
            }
            if case .problem(let kind) = framedChunk(in: bytes, at: offset) { return kind }
            return nil
        }
    }

    /// A chunk's type and data.
    private typealias Chunk = (type: String, data: ArraySlice<UInt8>)

    /// A chunk as the framing checks of Spec/png.md section 2, item 2, find it.
    private enum Framed {
        case chunk(type: String, data: ArraySlice<UInt8>)
        /// The kind of rejection the first failed check gives.
        case problem(String)
    }

    /// The chunk at `offset` of `bytes`, checked as Spec/png.md section 2, item 2 lists.
    private static func framedChunk(in bytes: [UInt8], at offset: Int) -> Framed {
        guard bytes.count - offset >= 8 else { return .problem("truncated") }
        let length = bigEndian(bytes, at: offset)
        guard length <= 0x7FFF_FFFF else { return .problem("corrupt") }
        let type = bytes[(offset + 4)..<(offset + 8)]
        guard type.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else { return .problem("corrupt") }
        guard bytes.count - offset - 12 >= length else { return .problem("truncated") }
        let dataEnd = offset + 8 + length
        guard bigEndian(bytes, at: dataEnd) == CRC32.checksum(Array(bytes[(offset + 4)..<dataEnd])) else {
            return .problem("checksumMismatch")
        }
        return .chunk(type: String(decoding: type, as: UTF8.self), data: bytes[(offset + 8)..<dataEnd])
    }

    /// The chunks of `bytes` that pass the framing checks, in order, up to the first that
    /// does not or to IEND; and whether the walk ended at IEND with no byte after it.
    private static func framedChunks(of bytes: [UInt8]) -> (chunks: [Chunk], complete: Bool) {
        var chunks: [Chunk] = []
        var offset = 8
        while case .chunk(let type, let data) = framedChunk(in: bytes, at: offset) {
            chunks.append((type, data))
            offset = data.endIndex + 4
            if type == "IEND" { return (chunks, offset == bytes.count) }
        }
        return (chunks, false)
    }

    /// An accepted file whose first changed chunk was framed correctly: it must be framed
    /// correctly to the end, hold no unknown critical chunk and give an image of its IHDR's
    /// size, with the original's pixels when the chunks that define them (IHDR, PLTE, tRNS,
    /// IDAT) hold the original's data.
    private static func verdict(onAccepted image: RGBImage, file: DamagedFile, decodedOriginal: RGBImage) -> DamageVerdict {
        let (chunks, complete) = framedChunks(of: file.bytes)
        guard complete, chunks.first?.type == "IHDR", chunks[0].data.count == 13 else {
            return .ruledOut("accepted a file whose chunks break the framing rules")
        }
        guard !hasUnknownCriticalChunk(chunks) else { return .ruledOut("accepted a file with an unknown critical chunk") }
        let header = Array(chunks[0].data)
        guard image.width == bigEndian(header, at: 0), image.height == bigEndian(header, at: 4),
              image.pixels.count == 3 * image.width * image.height else {
            return .ruledOut("accepted as \(image.width) x \(image.height) pixels in \(image.pixels.count) bytes, IHDR says otherwise")
        }
        guard pixelData(chunks) == pixelData(framedChunks(of: file.original).chunks) else {
            return .allowed("accepted, pixel data changed")
        }
        return image == decodedOriginal ? .allowed("accepted") : .ruledOut("the original's pixel data decoded differently")
    }

    /// The data of the chunks that define the pixels: IHDR, PLTE, tRNS and the IDATs joined.
    private static func pixelData(_ chunks: [Chunk]) -> [[UInt8]] {
        ["IHDR", "PLTE", "tRNS", "IDAT"].map { type in chunks.filter { $0.type == type }.flatMap(\.data) }
    }

    /// A rejection of a file whose first changed chunk was framed correctly: any kind, but
    /// *tooLarge* must name the IHDR's size, above the default limit, and *unsupported*
    /// needs a critical chunk the standard does not define.
    private static func verdict(onRejection problem: ImageDecodingProblem, of bytes: [UInt8]) -> DamageVerdict {
        let chunks = framedChunks(of: bytes).chunks
        switch problem {
        case .tooLarge(let width, let height, let limit):
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard let header = chunks.first, header.type == "IHDR", header.data.count == 13,
                  width == bigEndian(Array(header.data), at: 0), height == bigEndian(Array(header.data), at: 4),
                  limit == 1 << 26, overflow || pixels > limit else {
                return .ruledOut("\(problem) for a file whose IHDR says otherwise")
            }
        case .unsupported:
            guard hasUnknownCriticalChunk(chunks) else {
                return .ruledOut("\(problem) for a file without an unknown critical chunk")
            }
        default:
            break
        }
        return .allowed(caseName(of: problem))
    }

    /// Whether `chunks` include a critical chunk (upper-case first letter) other than the
    /// four the standard defines, which Spec/png.md section 2, item 3, makes *unsupported*.
    private static func hasUnknownCriticalChunk(_ chunks: [Chunk]) -> Bool {
        chunks.contains { $0.type.first!.isUppercase && !["IHDR", "PLTE", "IDAT", "IEND"].contains($0.type) }
    }

    /// The big-endian 32-bit value at `offset`.
    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Besides the generic edits: overwrite a big-endian 32-bit field with an extreme or a
    /// random value.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 100_000, 65_535] as [UInt32], width: 4, encode: PNGTestFile.bigEndian),
        FieldEdit(width: 4) { bytes, position, generator in
            bytes.replaceSubrange(position..<(position + 4), with: PNGTestFile.bigEndian(UInt32(truncatingIfNeeded: generator.next())))
        },
    ]

    /// Recomputes the CRC of every chunk whose length still fits in the file.
    private static func fixChunkCRCs(_ bytes: inout [UInt8]) {
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = bigEndian(bytes, at: offset)
            guard bytes.count - offset - 12 >= length else { return }
            let crc = CRC32.checksum(Array(bytes[(offset + 4)..<(offset + 8 + length)]))
            bytes.replaceSubrange((offset + 8 + length)..<(offset + 12 + length), with: PNGTestFile.bigEndian(crc))
            offset += 12 + length
        }
    }
}
