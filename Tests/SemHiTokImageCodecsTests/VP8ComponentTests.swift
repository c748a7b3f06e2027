@testable import SemHiTokImageCodecs
import Testing

/// The pieces of the VP8 decoder whose results can be shown without a decoder: the bool
/// decoder on bytes from RFC 6386's own encoder, the inverse transforms against the RFC's
/// reference arithmetic, the colour conversion by its formula.
struct VP8ComponentTests {
    /// Bytes written by the boolean encoder of RFC 6386 section 7.3 (transcribed in Python)
    /// for the bools and probabilities below, then the literal A5 bit by bit at probability
    /// 128. Decoding them gives back the bools and the literal.
    @Test func boolDecoderReadsWhatTheRFCsEncoderWrote() {
        let bytes: [UInt8] = [178, 1, 169, 128]
        let probabilities: [UInt32] = [128, 128, 1, 255, 200, 10, 128, 128, 30, 230, 90, 160]
        let bools = [true, false, true, false, true, false, true, true, true, false, true, false]
        bytes.withUnsafeBytes { raw in
            var decoder = VP8BoolDecoder(raw, start: 0, count: raw.count)
            let read = probabilities.map { decoder.bit($0) }
            let literal = decoder.literal(8)
            #expect(read == bools)
            #expect(literal == 0xA5)
            #expect(!decoder.exhausted)
        }
    }

    /// Zeros past the end, and `exhausted` once a bool needs a bit beyond the data. From the
    /// one byte 00: the first bool at probability 128 halves the range 255 to 128 (no
    /// shift), the second to 64 (one bit shifted out, none left below the window), so the
    /// third needs a byte that is not there.
    @Test func boolDecoderReadsZerosPastTheEnd() {
        [UInt8(0)].withUnsafeBytes { raw in
            var decoder = VP8BoolDecoder(raw, start: 0, count: 1)
            let firstTwo = [decoder.bit(128), decoder.bit(128)]
            #expect(firstTwo == [false, false])
            #expect(!decoder.exhausted)
            let third = decoder.bit(128)
            #expect(!third)
            #expect(decoder.exhausted)
            let after = decoder.literal(8)
            #expect(after == 0)
        }
    }

    /// The first sign read from a fresh decoder splits the range as `bit(128)` does: the
    /// byte 0x80 is at the split (a one), 0x7F below it (a zero).
    @Test func signReadsMatchAHalfProbabilityBool() {
        for (byte, expected) in [(UInt8(0x80), Int32(-5)), (UInt8(0x7F), Int32(5))] {
            [byte, 0, 0].withUnsafeBytes { raw in
                var decoder = VP8BoolDecoder(raw, start: 0, count: 3)
                let value = decoder.signed(5)
                #expect(value == expected)
            }
        }
    }

    /// The inverse DCT of RFC 6386 section 14.3 (`short_idct4x4llm_c`, transcribed in Python)
    /// of this block gives the residue
    /// [-19, -13, -22, -43, -27, -31, -27, -49, -31, -26, -53, -66, -22, -30, -63, -97];
    /// added to the prediction below and clamped it gives the expected pixels.
    @Test func inverseDCTMatchesTheRFCsArithmetic() {
        let coefficients: [Int16] = [-310, 120, -45, 0, 88, -60, 0, 12, 0, 33, -8, 0, 5, 0, 0, -20]
        var pixels: [UInt8] = [10, 250, 128, 0, 40, 200, 90, 255, 3, 60, 129, 180, 220, 15, 77, 128]
        coefficients.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { out in
                VP8InverseTransform.addDCT(input.baseAddress!, to: out.baseAddress!, stride: 4, sixteenBit: false)
            }
        }
        #expect(pixels == [0, 237, 106, 0, 13, 169, 63, 206, 0, 34, 76, 114, 198, 0, 14, 31])
    }

    /// Coefficients no encoder writes (30000 at rows 0 and 2 of column 0, 20000 at row 1)
    /// overflow 16 bits in the first pass. Computed in NumPy int16 lanes step by step as
    /// libwebp's SSE2 transform does, the last row of the block over pixels of 100 is 0; in
    /// the C transform's 32-bit arithmetic it is 255.
    @Test func sixteenBitTransformWrapsAsLibwebpsSSE2Does() {
        let coefficients: [Int16] = [30000, 0, 0, 0, 20000, 0, 0, 0, 30000, 0, 0, 0, 0, 0, 0, 0]
        for (sixteenBit, lastRow) in [(true, UInt8(0)), (false, UInt8(255))] {
            var pixels = [UInt8](repeating: 100, count: 16)
            coefficients.withUnsafeBufferPointer { input in
                pixels.withUnsafeMutableBufferPointer { out in
                    VP8InverseTransform.addDCT(input.baseAddress!, to: out.baseAddress!, stride: 4, sixteenBit: sixteenBit)
                }
            }
            #expect(pixels == [UInt8](repeating: 255, count: 8) + [0, 0, 0, 0] + [UInt8](repeating: lastRow, count: 4))
        }
    }

    /// A block with only a DC coefficient adds `(dc + 4) >> 3` everywhere: (-310 + 4) >> 3
    /// is -39 (rounded towards minus infinity).
    @Test func dcOnlyBlockAddsTheRoundedDC() {
        var pixels = [UInt8](repeating: 100, count: 16)
        pixels.withUnsafeMutableBufferPointer { out in VP8InverseTransform.addDC(-310, to: out.baseAddress!, stride: 4) }
        #expect(pixels == [UInt8](repeating: 61, count: 16))
    }

    /// The inverse Walsh-Hadamard transform of RFC 6386 section 14.3
    /// (`vp8_short_inv_walsh4x4_c`, transcribed in Python): output `i` is block `i`'s DC.
    @Test func inverseWalshHadamardMatchesTheRFCsArithmetic() {
        let input: [Int16] = [1200, -340, 56, 0, -90, 24, 0, 7, 15, 0, -3, 0, 0, 9, 0, -1]
        var coefficients = [Int16](repeating: 0, count: 256)
        input.withUnsafeBufferPointer { input in
            coefficients.withUnsafeMutableBufferPointer { out in
                VP8InverseTransform.walshHadamard(input.baseAddress!, into: out.baseAddress!)
            }
        }
        #expect(stride(from: 0, to: 256, by: 16).map { coefficients[$0] }
                == [110, 95, 173, 185, 105, 88, 171, 184, 121, 109, 195, 212, 122, 111, 202, 217])
        #expect(coefficients.enumerated().allSatisfy { $0.offset % 16 == 0 || $0.element == 0 })
    }

    /// libwebp's conversion of (Y, U, V) = (128, 100, 200), by the formula of Spec/vp8.md
    /// section 9 with `m(a, c) = (a * c) >> 8`: m(128, 19077) = 9538, m(200, 26149) = 20428,
    /// so R = (9538 + 20428 - 14234) >> 6 = 15732 >> 6 = 245; m(100, 6419) = 2507,
    /// m(200, 13320) = 10406, G = (9538 - 2507 - 10406 + 8708) >> 6 = 5333 >> 6 = 83;
    /// m(100, 33050) = 12910, B = (9538 + 12910 - 17685) >> 6 = 4763 >> 6 = 74. Out of range
    /// sums clamp: Y = U = 0, V = 255 gives R = (26046 - 14234) >> 6 = 184, G = 0 - 0 - 13267 + 8708 < 0
    /// and B = 0 - 17685 < 0, so 0.
    @Test func colourConversionFollowsTheFormula() {
        var rgb = [UInt8](repeating: 0, count: 6)
        rgb.withUnsafeMutableBufferPointer { out in
            VP8ColourConversion.rgb(128, 100, 200, out.baseAddress!)
            VP8ColourConversion.rgb(0, 0, 255, out.baseAddress! + 3)
        }
        #expect(rgb == [245, 83, 74, 184, 0, 0])
    }
}
