import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid JPEG files has the outcomes Spec/jpeg.md allows, and the
/// decoder never crashes, hangs or reads out of bounds on the way. The test also checks
/// that its trials reach the outcomes it describes, so that none is left unchecked.
struct JPEGCorruptionTests {
    /// Twelve fixtures in turn, decoded with a limit of 2^16 pixels.
    ///
    /// JPEG has no checksum, so the decoder cannot see most damage: a changed coefficient
    /// or quantization value is a different valid image, and many damaged files are
    /// accepted with other pixels. What the spec does fix is checked. Every cut is
    /// *truncated* (section 9: the data ends before the EOI marker at the latest; the
    /// fixtures end with it); a file that does not start with SOI is *corrupt* (section
    /// 2.1); a file changed only in the bytes of its JFIF APP0 segment after the
    /// identifier, which nothing reads (section 2.4), decodes to the original's pixels.
    /// Otherwise any kind of rejection may follow, but *tooLarge* must name the size of the
    /// first frame header, above the limit; and an accepted file must have its segments up
    /// to the first scan in order under the marker rules of section 2.1, and give an image
    /// of its frame header's size (swapped only if an APP1 segment, which may carry an
    /// orientation, precedes the scan).
    @Test func damagedFilesHaveTheAllowedOutcomes() throws {
        let names = ["photo_33x17_q75_420_baseline.jpg", "photo_33x17_q95_444_progressive.jpg",
                     "noise_33x17_q75_444_restart5.jpg", "craft_progressive_successive.jpg",
                     "craft_mixed_sampling.jpg", "exif_orientation6.jpg", "grey_17x9_q50_progressive.jpg",
                     "cmyk_33x17_q75_adobe.jpg", "craft_ycck_jfif_progressive_restart.jpg",
                     "craft_lossless_420_restart.jpg", "craft_arithmetic_progressive_restart.jpg",
                     "craft_arithmetic_sequential_restart_conditioning.jpg"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/jpeg/" + $0)) }
        let limits = ImageLimits(maximumPixelCount: 1 << 16)
        let decodedOriginals = try originals.map { try JPEGDecoder.decode($0, limits: limits) }
        let tally = tallyDamage(to: originals, seed: 0x4A504547, trials: 6000, fieldEdits: Self.fieldEdits) { file in
            let predicted = Self.predictedKind(of: file)
            do throws(ImageDecodingProblem) {
                let image = try JPEGDecoder.decode(file.bytes, limits: limits)
                if let predicted { return .ruledOut("predicted \(predicted), the file was accepted") }
                if Self.changesOnlyIgnoredBytes(file) {
                    return image == decodedOriginals[file.trial % originals.count]
                        ? .allowed("accepted, only ignored bytes changed") : .ruledOut("ignored bytes changed the pixels")
                }
                return Self.verdict(onAccepted: image, of: file.bytes)
            } catch {
                if let predicted {
                    return caseName(of: error) == predicted
                        ? .allowed(predicted) : .ruledOut("predicted \(predicted), got \(error)")
                }
                if Self.changesOnlyIgnoredBytes(file) { return .ruledOut("only ignored bytes changed, got \(error)") }
                if case .tooLarge(let width, let height, let limit) = error {
                    let size = Self.headerSegments(of: file.bytes).frameSize
                    guard limit == 1 << 16, let size, size == (width, height), width * height > limit else {
                        return .ruledOut("\(error) for a file whose first frame header gives \(String(describing: size))")
                    }
                }
                return .allowed(caseName(of: error))
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "accepted, only ignored bytes changed", "corrupt",
                                                        "truncated", "tooLarge"]))
    }

    /// The kind of rejection Spec/jpeg.md fixes for `file`, or nil.
    private static func predictedKind(of file: DamagedFile) -> String? {
        if file.isCut || file.bytes.count < 2 { return "truncated" }
        return file.bytes[0..<2] == [0xFF, 0xD8] ? nil : "corrupt"
    }

    /// Whether `file` differs from the original at most in the bytes of a JFIF APP0
    /// segment at the start after its identifier: Spec/jpeg.md section 2.4 reads only
    /// that the segment starts with "JFIF\0".
    private static func changesOnlyIgnoredBytes(_ file: DamagedFile) -> Bool {
        let original = file.original
        guard original[2..<4] == [0xFF, 0xE0], original[6..<11].elementsEqual("JFIF\0".utf8),
              file.bytes.count == original.count else { return false }
        let ignored = 11..<(4 + (Int(original[4]) << 8 | Int(original[5])))
        return original.indices.allSatisfy { file.bytes[$0] == original[$0] || ignored.contains($0) }
    }

    /// An accepted file: its segments up to the first scan follow the marker rules, and
    /// the image has the first frame header's size, swapped only if an APP1 segment may
    /// have given an orientation.
    private static func verdict(onAccepted image: RGBImage, of bytes: [UInt8]) -> DamageVerdict {
        let segments = headerSegments(of: bytes)
        guard segments.reachedScan, let size = segments.frameSize else {
            return .ruledOut("accepted a file whose segments before the first scan break the marker rules")
        }
        guard size == (image.width, image.height) || segments.hasApplication1 && size == (image.height, image.width),
              image.width * image.height <= 1 << 16, image.pixels.count == 3 * image.width * image.height else {
            return .ruledOut("accepted as a \(image.width) x \(image.height) image, the frame header says \(size)")
        }
        return .allowed("accepted")
    }

    /// What the segments of a file before its first SOS say.
    private struct HeaderSegments {
        /// The width and height in the first frame header (SOF0 to SOF3, SOF9, SOF10).
        var frameSize: (width: Int, height: Int)?
        /// Whether an APP1 segment (EXIF or XMP, which may carry an orientation) came.
        var hasApplication1 = false
        /// Whether the walk reached an SOS marker with its whole segment.
        var reachedScan = false
    }

    /// Walks `bytes` from after SOI by the marker rules of Spec/jpeg.md section 2.1 (bytes
    /// that are not a marker skipped, fill bytes, `FF 00` no marker; RSTn and TEM without
    /// a segment) up to the first SOS, a second SOI, EOI, or a segment that does not fit.
    private static func headerSegments(of bytes: [UInt8]) -> HeaderSegments {
        var segments = HeaderSegments()
        var position = 2
        while let marker = bytes[position...].firstIndex(of: 0xFF) {
            guard let codeAt = bytes[marker...].firstIndex(where: { $0 != 0xFF }) else { return segments }
            let code = bytes[codeAt]
            position = codeAt + 1
            switch code {
            case 0x00, 0x01, 0xD0...0xD7:
                continue
            case 0xD8, 0xD9:
                return segments
            default:
                guard bytes.count - position >= 2 else { return segments }
                let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
                guard length >= 2, bytes.count - position >= length else { return segments }
                if [0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA].contains(code), segments.frameSize == nil, length >= 7 {
                    segments.frameSize = (Int(bytes[position + 5]) << 8 | Int(bytes[position + 6]),
                                          Int(bytes[position + 3]) << 8 | Int(bytes[position + 4]))
                }
                segments.hasApplication1 = segments.hasApplication1 || code == 0xE1
                if code == 0xDA {
                    segments.reachedScan = true
                    return segments
                }
                position += length
            }
        }
        return segments
    }

    /// Besides the generic edits: write a marker (FF and a code), set a big-endian 16-bit
    /// field to an extreme value, or overwrite a byte.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0xD0, 0xD3, 0xD8, 0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0xC0, 0xC2, 0x00, 0xFF] as [UInt8], width: 2) { [0xFF, $0] },
        .oneOf([0, 1, 2, 3, 0x00FF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF] as [UInt16], width: 2) { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
        FieldEdit(width: 1) { bytes, position, generator in bytes[position] = UInt8(truncatingIfNeeded: generator.next()) },
    ]
}
