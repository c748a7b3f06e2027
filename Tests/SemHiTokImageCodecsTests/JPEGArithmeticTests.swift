import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Arithmetic-coded JPEG (SOF9, SOF10): the QM decoder and the conditioning tables
/// (Spec/jpeg.md sections 3.3 and 4.6). The fixtures of golden/images/jpeg check whole files
/// against Pillow in `JPEGConformanceTests`, among them data ending early at a marker;
/// `JPEGErrorTests` covers restart markers and truncation.
struct JPEGArithmeticTests {
    static let folder = RepositoryPaths.golden("images/jpeg")

    /// T.81 annex K.4.1's test of the arithmetic coder: 256 decisions coded with one
    /// statistics bin starting at state 0, MPS 0. The coded bytes are the standard's (its
    /// last bytes left to the zeros the decoder supplies after the marker `FF D9`); the
    /// decisions, read most significant bit first, are its 32 test bytes.
    @Test func decodesTheT81TestSequence() {
        let coded: [UInt8] = [0x65, 0x5B, 0x51, 0x44, 0xF7, 0x96, 0x9D, 0x51, 0x78, 0x55, 0xBF, 0xFF, 0x00, 0xFC, 0x51, 0x84,
                              0xC7, 0xCE, 0xF9, 0x39, 0x00, 0x28, 0x7D, 0x46, 0x70, 0x8E, 0xCB, 0xC0, 0xF6, 0xFF, 0xD9]
        let expected: [UInt8] = [0x00, 0x02, 0x00, 0x51, 0x00, 0x00, 0x00, 0xC0, 0x03, 0x52, 0x87, 0x2A, 0xAA, 0xAA, 0xAA, 0xAA,
                                 0x82, 0xC0, 0x20, 0x00, 0xFC, 0xD7, 0x9E, 0xF6, 0x74, 0xEA, 0xAB, 0xF7, 0x69, 0x7E, 0xE7, 0x4C]
        let decoded: [UInt8] = coded.withUnsafeBytes { bytes in
            JPEGArithmeticDecoder.states.withUnsafeBufferPointer { states in
                var decoder = JPEGArithmeticDecoder(bytes: bytes, position: 0, states: states.baseAddress!)
                var bin: UInt8 = 0
                return (0..<expected.count).map { _ in
                    var byte: UInt8 = 0
                    for _ in 0..<8 { byte = byte << 1 | UInt8(decoder.decode(&bin)) }
                    return byte
                }
            }
        }
        #expect(decoded == expected)
    }

    /// The fixed-probability bin (state 113) never adapts, whatever it decodes.
    @Test func fixedBinNeverChanges() {
        let coded: [UInt8] = [0x12, 0xF0, 0x7E, 0x00, 0xA5]
        coded.withUnsafeBytes { bytes in
            JPEGArithmeticDecoder.states.withUnsafeBufferPointer { states in
                var decoder = JPEGArithmeticDecoder(bytes: bytes, position: 0, states: states.baseAddress!)
                var bin = JPEGArithmeticDecoder.fixedState
                var decisions = Set<Int>()
                for _ in 0..<40 { decisions.insert(decoder.decode(&bin)) }
                #expect(bin == JPEGArithmeticDecoder.fixedState)
                #expect(decisions == [0, 1])
            }
        }
    }

    private static func conditioning(_ payload: [UInt8]) throws(ImageDecodingProblem) -> JPEGArithmeticConditioning {
        var conditioning = JPEGArithmeticConditioning()
        try payload.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) in try conditioning.read(raw) }
        }.get()
        return conditioning
    }

    /// libjpeg's defaults are L = 0, U = 1, Kx = 5 for all 16 slots; a DAC pair
    /// `Tc << 4 | Tb`, value sets DC slot Tb's `U << 4 | L` (Tc 0) or AC slot Tb's Kx (Tc 1).
    @Test func conditioningTablesDefaultAndDAC() throws {
        let defaults = try Self.conditioning([])
        #expect(defaults.dcLower == [Int](repeating: 0, count: 16))
        #expect(defaults.dcUpper == [Int](repeating: 1, count: 16))
        #expect(defaults.acLimit == [Int](repeating: 5, count: 16))
        let set = try Self.conditioning([0x00, 0x52, 0x1F, 40, 0x0F, 0xFF])
        #expect(set.dcLower[0] == 2 && set.dcUpper[0] == 5)
        #expect(set.dcLower[15] == 15 && set.dcUpper[15] == 15)
        #expect(set.acLimit[15] == 40 && set.acLimit[0] == 5)
    }

    /// libjpeg refuses a DAC segment of odd length, with a table class above 1, or with
    /// L above U, in any file (Pillow 13 refuses such a segment in a Huffman file too).
    @Test func rejectsBadDACSegments() throws {
        #expect(throws: ImageDecodingProblem.corrupt("the DAC segment is 3 bytes, not pairs")) { try Self.conditioning([0x00, 0x10, 0x01]) }
        #expect(throws: ImageDecodingProblem.corrupt("the DAC segment names table class 2; only 0 (DC) and 1 (AC) exist")) {
            try Self.conditioning([0x20, 0x05])
        }
        #expect(throws: ImageDecodingProblem.corrupt("the DAC segment gives DC table 3 L = 5, above U = 0")) {
            try Self.conditioning([0x03, 0x05])
        }
        let huffman = try readBytes(Self.folder + "/photo_33x17_q75_420_baseline.jpg")
        let split = JPEGStreams.split(huffman)
        let badDAC = JPEGStreams.join([(0xCC, JPEGStreams.segment(0xCC, [0x20, 0x05]))] + split.segments, rest: split.rest)
        #expect(throws: ImageDecodingProblem.corrupt("the DAC segment names table class 2; only 0 (DC) and 1 (AC) exist")) {
            try JPEGDecoder.decode(badDAC)
        }
    }

    /// A DAC segment changes the model: the same scan data decoded with libjpeg's default
    /// conditioning instead of the file's gives other pixels.
    @Test func conditioningTablesChangeTheDecoding() throws {
        let file = try readBytes(Self.folder + "/craft_arithmetic_sequential_restart_conditioning.jpg")
        let split = JPEGStreams.split(file)
        #expect(split.segments.contains { $0.marker == 0xCC })
        let withoutDAC = JPEGStreams.join(split.segments.filter { $0.marker != 0xCC }, rest: split.rest)
        let original = try JPEGDecoder.decode(file)
        let withDefaults = try? JPEGDecoder.decode(withoutDAC)
        #expect(withDefaults != original)
    }
}
