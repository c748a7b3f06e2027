import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid WebP files has the outcomes Spec/webp.md allows, and the
/// decoder never crashes, hangs or reads out of bounds on the way. The test also checks
/// that its trials reach the outcomes it describes, so that none is left unchecked.
struct WebPCorruptionTests {
    /// Six fixtures in turn, decoded with a limit of 2^16 pixels.
    ///
    /// What the spec fixes is checked: a cut file is *truncated* (section 2.1: the RIFF
    /// chunk's size then exceeds the file); a changed signature is *corrupt*. Otherwise any
    /// named rejection may follow, but *tooLarge* must name a size beyond the limit, and an
    /// accepted image has the size the file's first chunk declares (the VP8X canvas, or the
    /// VP8L header's size).
    @Test func damagedFilesHaveTheAllowedOutcomes() throws {
        let names = ["craft_colour_cache_5bits.webp", "pillow_gradient_37x23_method4_quality50.webp",
                     "pillow_alpha_40x30_method6.webp", "craft_animated_offset_frame.webp", "pillow_colours5_33x9.webp",
                     "craft_predictor_modes_0_to_15.webp"]
        let originals = try names.map { try readBytes(RepositoryPaths.golden("images/webp/" + $0)) }
        let limits = ImageLimits(maximumPixelCount: 1 << 16)
        let tally = tallyDamage(to: originals, seed: 0x5745_4250, trials: 4000, fieldEdits: Self.fieldEdits) { file in
            let predicted: String? = file.isCut ? "truncated" : Self.signatureChanged(file.bytes) ? "corrupt" : nil
            do throws(ImageDecodingProblem) {
                let image = try WebPDecoder.decode(file.bytes, limits: limits)
                if let predicted { return .ruledOut("predicted \(predicted), the file was accepted") }
                guard let declared = Self.declaredSize(of: file.bytes), declared == (image.width, image.height) else {
                    return .ruledOut("accepted as \(image.width) x \(image.height), the file declares \(String(describing: Self.declaredSize(of: file.bytes)))")
                }
                return .allowed("accepted")
            } catch {
                if let predicted {
                    return caseName(of: error) == predicted ? .allowed(predicted) : .ruledOut("predicted \(predicted), got \(error)")
                }
                if case .tooLarge(let width, let height, let limit) = error, limit != 1 << 16 || width * height <= limit {
                    return .ruledOut("\(error)")
                }
                return .allowed(caseName(of: error))
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "corrupt", "truncated", "tooLarge"]))
    }

    private static func signatureChanged(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 12 && !(bytes.starts(with: "RIFF".utf8) && bytes[8..<12].elementsEqual("WEBP".utf8))
    }

    /// The canvas of a VP8X chunk, or the size of a VP8L header, at the file's first chunk.
    private static func declaredSize(of bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count >= 30 else { return nil }
        let fourCC = String(decoding: bytes[12..<16], as: UTF8.self)
        if fourCC == "VP8X" {
            return ((0..<3).reduce(1) { $0 + Int(bytes[24 + $1]) << (8 * $1) }, (0..<3).reduce(1) { $0 + Int(bytes[27 + $1]) << (8 * $1) })
        }
        guard fourCC == "VP8L" else { return nil }
        let bits = (0..<4).reduce(0) { $0 | Int(bytes[21 + $1]) << (8 * $1) }
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    }

    /// Besides the generic edits: a chunk code, a little-endian 32-bit size set to an
    /// extreme value, or a byte overwritten.
    private static let fieldEdits: [FieldEdit] = [
        .oneOf(["VP8L", "VP8X", "ALPH", "ANMF", "ANIM", "VP8 "], width: 4) { Array($0.utf8) },
        .oneOf([0, 1, 5, 0xFFFF, 0xFFFF_FFF6, 0xFFFF_FFFF] as [UInt32], width: 4) { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } },
        FieldEdit(width: 1) { bytes, position, generator in bytes[position] = UInt8(truncatingIfNeeded: generator.next()) },
    ]
}
