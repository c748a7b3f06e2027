import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Seeded random damage to valid VP8 frames has the outcomes Spec/vp8.md allows, and the
/// decoder never crashes, hangs or reads out of bounds on the way.
struct VP8CorruptionTests {
    /// Five fixtures' frames in turn (one, two, four and eight token partitions), decoded
    /// with a limit of 2^16 pixels. VP8 has no checksum, so most damage after the header is
    /// a different valid frame. What the spec fixes is checked: a frame cut inside its 10
    /// header bytes is *truncated*, a changed start code *corrupt* (section 4.1); an
    /// accepted frame has the size its damaged header states; *tooLarge* names that size,
    /// beyond the limit.
    @Test func damagedFramesHaveTheAllowedOutcomes() throws {
        let names = ["astronaut_64x64_q100_m6.webp", "flat_64x48_q75_m4.webp", "libwebp_partitions_2.webp",
                     "libwebp_partitions_4.webp", "libwebp_simple_filter_segments_partitions.webp"]
        let originals = try names.map {
            Array(try VP8TestFile.payload(try readBytes(RepositoryPaths.golden("images/webp-lossy/" + $0))))
        }
        let limits = ImageLimits(maximumPixelCount: 1 << 16)
        let sizeEdit = FieldEdit.oneOf([0, 1, 255, 0x3FFF, 0xFFFF], width: 2) { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let tally = tallyDamage(to: originals, seed: 0x56503820, trials: 2000, fieldEdits: [sizeEdit]) { file in
            let bytes = file.bytes
            let startCodeChanged = bytes.count >= 6 && bytes[3..<6] != [0x9D, 0x01, 0x2A]
            let predicted: String? = bytes.count < 10 && file.isCut ? "truncated"
                : bytes.count >= 10 && startCodeChanged ? "corrupt" : nil
            let size = bytes.count >= 10
                ? ((Int(bytes[6]) | Int(bytes[7]) << 8) & 0x3FFF, (Int(bytes[8]) | Int(bytes[9]) << 8) & 0x3FFF) : (0, 0)
            do throws(ImageDecodingProblem) {
                let image = try VP8Decoder.decode(bytes, limits: limits)
                if let predicted { return .ruledOut("predicted \(predicted), the frame was accepted") }
                guard (image.width, image.height) == size else {
                    return .ruledOut("accepted as \(image.width) x \(image.height), the header says \(size)")
                }
                return .allowed("accepted")
            } catch {
                if let predicted {
                    return caseName(of: error) == predicted ? .allowed(predicted) : .ruledOut("predicted \(predicted), got \(error)")
                }
                if case .tooLarge(let width, let height, let limit) = error {
                    guard (width, height) == size, width * height > limit else { return .ruledOut("\(error) for \(size)") }
                }
                return .allowed(caseName(of: error))
            }
        }
        #expect(tally.ruledOut == [])
        #expect(Set(tally.allowed.keys).isSuperset(of: ["accepted", "corrupt", "truncated", "tooLarge", "unsupported"]))
    }
}
