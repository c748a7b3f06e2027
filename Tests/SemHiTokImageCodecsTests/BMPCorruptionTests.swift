import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid BMP files has the outcomes Spec/bmp.md allows, and the
/// decoder never crashes, hangs or reads out of bounds on the way. The test also checks
/// that its trials reach the outcomes it describes, so that none is left unchecked.
struct BMPCorruptionTests {
    /// Six fixtures in turn, decoded with a limit of 2^16 pixels.
    ///
    /// BMP has no checksum, so most damage is a different valid file. What the spec fixes is
    /// checked: a changed signature is *corrupt* (section 2); a cut of an uncompressed file
    /// before its last row's pixels is *truncated*; a file changed only in bytes nothing
    /// reads (the file size, the reserved fields, the image size and resolution fields of
    /// the 40-byte header: section 3) decodes to the original's pixels. Otherwise any named
    /// rejection may follow, but *tooLarge* must name a size beyond the limit, and an
    /// accepted image must be at most the limit.
    @Test func damagedFilesHaveTheAllowedOutcomes() throws {
        let names = ["craft_header40_8bit.bmp", "craft_header124_4bit.bmp", "craft_rle8.bmp", "craft_rle4.bmp",
                     "craft_32bit_bitfields_bgra_v5.bmp", "pillow_rgb_37x23.bmp"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/bmp/" + $0)) }
        let limits = ImageLimits(maximumPixelCount: 1 << 16)
        let decodedOriginals = try originals.map { try BMPDecoder.decode($0, limits: limits) }
        let tally = tallyDamage(to: originals, seed: 0x424D, trials: 4000, fieldEdits: Self.fieldEdits) { file in
            let original = decodedOriginals[file.trial % originals.count]
            let uncompressed = file.original[30] == 0 || file.original[30] == 3
            let predicted: String? = Self.changesOnlyIgnoredBytes(file) ? "accepted, only ignored bytes changed"
                : Self.signatureChanged(file.bytes) ? "corrupt"
                : file.isCut && uncompressed && file.bytes.count < file.original.count - 3 ? "truncated" : nil
            do throws(ImageDecodingProblem) {
                let image = try BMPDecoder.decode(file.bytes, limits: limits)
                if predicted == "accepted, only ignored bytes changed" {
                    return image == original ? .allowed("accepted, only ignored bytes changed")
                        : .ruledOut("ignored bytes changed the pixels")
                }
                if let predicted { return .ruledOut("predicted \(predicted), the file was accepted") }
                return image.width * image.height <= 1 << 16 ? .allowed("accepted") : .ruledOut("accepted beyond the limit")
            } catch {
                if let predicted {
                    return caseName(of: error) == predicted ? .allowed(predicted) : .ruledOut("predicted \(predicted), got \(error)")
                }
                if case .tooLarge(let width, let height, let limit) = error {
                    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
                    if limit != 1 << 16 || !overflow && pixels <= limit { return .ruledOut("\(error)") }
                }
                return .allowed(caseName(of: error))
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "accepted, only ignored bytes changed", "corrupt",
                                                        "truncated", "tooLarge", "unsupported"]))
    }

    private static func signatureChanged(_ bytes: [UInt8]) -> Bool {
        !"BM".utf8.starts(with: bytes.prefix(2))
    }

    /// Whether `file` differs from the original, of the same length, only in the file
    /// size (bytes 2 to 5), the reserved fields (6 to 9), or, in a header of 40 bytes or
    /// more, the image size and resolutions (34 to 45), which nothing reads.
    private static func changesOnlyIgnoredBytes(_ file: DamagedFile) -> Bool {
        guard file.bytes.count == file.original.count else { return false }
        let ignored = file.original[14] == 12 ? Set(2..<10) : Set(2..<10).union(34..<46)
        return file.original.indices.allSatisfy { file.bytes[$0] == file.original[$0] || ignored.contains($0) }
    }

    /// Besides the generic edits: a little-endian 32-bit field set to an extreme value, a
    /// 16-bit one, or a byte overwritten.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0, 1, 2, 3, 12, 40, 124, 0xFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFF00_0000] as [UInt32], width: 4) {
            [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 24)]
        },
        .oneOf([0, 1, 2, 4, 8, 16, 24, 32, 0xFFFF] as [UInt16], width: 2) { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
        FieldEdit(width: 1) { bytes, position, generator in bytes[position] = UInt8(truncatingIfNeeded: generator.next()) },
    ]
}
