import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid GIF files has the outcomes Spec/gif.md allows, and the
/// decoder never crashes, hangs or reads out of bounds on the way. The test also checks
/// that its trials reach the outcomes it describes, so that none is left unchecked.
struct GIFCorruptionTests {
    /// Six fixtures in turn, decoded with a limit of 2^16 pixels.
    ///
    /// GIF has no checksum, so most damage is a different valid file. What the spec fixes is
    /// checked: a changed signature is *corrupt* (section 2); a cut before the end of the
    /// first image's data is *truncated* and a cut after it changes nothing (section 5.1:
    /// decoding ends once every pixel is written, and nothing after the image is read); a
    /// file changed only after the first image's data decodes to the original's pixels.
    /// Otherwise any named rejection may follow, but *tooLarge* must name a canvas at least
    /// as large as the damaged logical screen and beyond the limit, and an accepted image
    /// covers the damaged logical screen (section 6).
    @Test func damagedFilesHaveTheAllowedOutcomes() throws {
        let names = ["craft_basic_23x13.gif", "craft_interlaced_6x17.gif", "craft_full_table_no_clear.gif",
                     "pillow_gradient_40x33_interlaced.gif", "craft_offset_frame_transparency.gif", "craft_animated.gif"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/gif/" + $0)) }
        let limits = ImageLimits(maximumPixelCount: 1 << 16)
        let decodedOriginals = try originals.map { try GIFDecoder.decode($0, limits: limits) }
        let tally = tallyDamage(to: originals, seed: 0x47494638, trials: 4000, fieldEdits: Self.fieldEdits) { file in
            let original = decodedOriginals[file.trial % originals.count]
            let dataEnd = GIFErrorTests.imageDataEnd(of: file.original)
            let unchangedImage = file.bytes.count >= dataEnd && file.bytes[..<dataEnd] == file.original[..<dataEnd]
            let predicted: String? = unchangedImage ? "accepted, unchanged image"
                : file.isCut ? "truncated"
                : Self.signatureChanged(file.bytes) ? "corrupt" : nil
            do throws(ImageDecodingProblem) {
                let image = try GIFDecoder.decode(file.bytes, limits: limits)
                if predicted == "accepted, unchanged image" {
                    return image == original ? .allowed("accepted, unchanged image") : .ruledOut("the unchanged image decoded differently")
                }
                if let predicted { return .ruledOut("predicted \(predicted), the file was accepted") }
                let screen = Self.screen(of: file.bytes)
                guard image.width >= screen.width, image.height >= screen.height else {
                    return .ruledOut("accepted as \(image.width) x \(image.height), the screen is \(screen)")
                }
                return .allowed("accepted")
            } catch {
                if let predicted {
                    return caseName(of: error) == predicted ? .allowed(predicted) : .ruledOut("predicted \(predicted), got \(error)")
                }
                if case .tooLarge(let width, let height, let limit) = error {
                    let screen = Self.screen(of: file.bytes)
                    guard limit == 1 << 16, width >= screen.width, height >= screen.height, width * height > limit else {
                        return .ruledOut("\(error) for a screen of \(screen)")
                    }
                }
                return .allowed(caseName(of: error))
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "accepted, unchanged image", "corrupt", "truncated",
                                                        "tooLarge"]))
    }

    private static func signatureChanged(_ bytes: [UInt8]) -> Bool {
        let start = bytes.prefix(6)
        return !("GIF87a".utf8.starts(with: start) || "GIF89a".utf8.starts(with: start))
    }

    /// The logical screen's width and height in bytes 6 to 9 (0 where the file is shorter).
    private static func screen(of bytes: [UInt8]) -> (width: Int, height: Int) {
        guard bytes.count >= 10 else { return (0, 0) }
        return (Int(bytes[6]) | Int(bytes[7]) << 8, Int(bytes[8]) | Int(bytes[9]) << 8)
    }

    /// Besides the generic edits: a block introducer or label, a little-endian 16-bit field
    /// set to an extreme value, or a byte overwritten.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf([0x21, 0x2C, 0x3B, 0xF9, 0xFF, 0x00, 0x01, 0x0C, 0x0D] as [UInt8], width: 1) { [$0] },
        .oneOf([0, 1, 255, 256, 0x7FFF, 0xFFFF] as [UInt16], width: 2) { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
        FieldEdit(width: 1) { bytes, position, generator in bytes[position] = UInt8(truncatingIfNeeded: generator.next()) },
    ]
}
