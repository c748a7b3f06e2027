import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// The PNG decoder's checks (Spec/png.md sections 2 to 5): one hand-made file per rule,
/// each refused with the error the Spec names, plus the limits, truncation at every byte,
/// and zlib bombs.
struct PNGDecoderTests {
    /// A 2 x 2 RGB image, rows filtered None and Up.
    private static let scanlines: [UInt8] = [0, 10, 20, 30, 40, 50, 60, 2, 1, 1, 1, 2, 2, 2]
    private static let pixels: [UInt8] = [10, 20, 30, 40, 50, 60, 11, 21, 31, 42, 52, 62]

    private func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try PNGDecoder.decode(bytes, limits: limits)
    }

    private func minimal(beforeData: [[UInt8]] = []) -> [UInt8] {
        PNGTestFile.file(width: 2, height: 2, beforeData: beforeData, scanlines: Self.scanlines)
    }

    private func chunks(_ middle: [[UInt8]], width: Int = 2, height: Int = 2, colourType: Int = 2, bitDepth: Int = 8) -> [UInt8] {
        PNGTestFile.file([PNGTestFile.header(width: width, height: height, bitDepth: bitDepth, colourType: colourType)]
                         + middle + [PNGTestFile.chunk("IEND", [])])
    }

    private var imageData: [UInt8] { PNGTestFile.chunk("IDAT", DeflateTestStream.storedZlib(Self.scanlines)) }

    @Test func decodesAMinimalFile() throws {
        #expect(try decode(minimal()) == RGBImage(width: 2, height: 2, pixels: Self.pixels))
    }

    @Test func decodesImageDataSplitOverManyChunks() throws {
        let stream = DeflateTestStream.storedZlib(Self.scanlines)
        let parts = [stream[..<1], stream[1..<1], stream[1..<9], stream[9...]].map { PNGTestFile.chunk("IDAT", Array($0)) }
        #expect(try decode(chunks(parts)).pixels == Self.pixels)
    }

    @Test func rejectsAWrongSignature() {
        var bytes = minimal()
        bytes[1] = 0x51
        #expect(throws: ImageDecodingProblem.corrupt("not a PNG file (the signature is wrong)")) { try decode(bytes) }
        #expect(throws: ImageDecodingProblem.corrupt("not a PNG file (the signature is wrong)")) { try decode(Array("GIF89a".utf8)) }
    }

    @Test func reportsEveryPrefixOfAFileAsTruncated() throws {
        let names = ["palette8_trns_adam7.png", "rgb8_trns_split_idat.png", "grey16_trns.png", "rgb8_ancillary_chunks.png"]
        for name in names {
            let bytes = try readBytes(RepositoryPaths.golden("images/png/fixtures/" + name))
            #expect(cutsNotReportedAsTruncated(bytes, at: Array(0..<bytes.count), label: name) { (cut: [UInt8]) throws(ImageDecodingProblem) in
                _ = try decode(cut)
            } == [])
        }
    }

    @Test func rejectsAFirstChunkOtherThanIHDR() {
        #expect(throws: ImageDecodingProblem.corrupt("the first chunk is IDAT, not IHDR")) {
            try decode(PNGTestFile.file([imageData, PNGTestFile.chunk("IEND", [])]))
        }
    }

    @Test func rejectsBadHeaderValues() {
        let cases: [([UInt8], ImageDecodingProblem)] = [
            (PNGTestFile.chunk("IHDR", [UInt8](repeating: 0, count: 12)), .corrupt("the IHDR chunk has 12 bytes, not 13")),
            (PNGTestFile.header(width: 0, height: 2), .corrupt("image size 0 x 2: both must be 1 to 2^31 - 1")),
            (PNGTestFile.header(width: 2, height: 1 << 31), .corrupt("image size 2 x 2147483648: both must be 1 to 2^31 - 1")),
            (PNGTestFile.header(width: 2, height: 2, colourType: 5), .corrupt("colour type 5 does not exist")),
            (PNGTestFile.header(width: 2, height: 2, bitDepth: 16, colourType: 3), .corrupt("bit depth 16 is not allowed for colour type 3")),
            (PNGTestFile.header(width: 2, height: 2, bitDepth: 4, colourType: 2), .corrupt("bit depth 4 is not allowed for colour type 2")),
            (PNGTestFile.header(width: 2, height: 2, compression: 1), .corrupt("compression method 1 does not exist (only 0)")),
            (PNGTestFile.header(width: 2, height: 2, filter: 1), .corrupt("filter method 1 does not exist (only 0)")),
            (PNGTestFile.header(width: 2, height: 2, interlace: 2), .corrupt("interlace method 2 does not exist (only 0 and 1)")),
        ]
        for (header, problem) in cases {
            #expect(throws: problem) { try decode(PNGTestFile.file([header, imageData, PNGTestFile.chunk("IEND", [])])) }
        }
    }

    /// The size is refused from the header alone: the file need not even go on.
    @Test func refusesAHugeHeaderBeforeReadingFurther() {
        let huge = PNGTestFile.file([PNGTestFile.header(width: 100_000, height: 100_000)])
        #expect(throws: ImageDecodingProblem.tooLarge(width: 100_000, height: 100_000, limit: ImageLimits.standard.maximumPixelCount)) {
            try decode(huge)
        }
        let wide = PNGTestFile.file([PNGTestFile.header(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, bitDepth: 16, colourType: 6)])
        #expect(throws: ImageDecodingProblem.tooLarge(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, limit: ImageLimits.standard.maximumPixelCount)) {
            try decode(wide)
        }
    }

    @Test func appliesTheCallersLimits() {
        #expect(throws: ImageDecodingProblem.tooLarge(width: 2, height: 2, limit: 3)) {
            try decode(minimal(), limits: ImageLimits(maximumPixelCount: 3))
        }
    }

    @Test func rejectsAWrongChunkCRC() {
        var bytes = minimal()
        bytes[bytes.count - 13] ^= 0x01
        #expect(throws: ImageDecodingProblem.self) { try decode(bytes) }
        let header = PNGTestFile.chunk("IHDR", Array(PNGTestFile.header(width: 2, height: 2)[8..<21]), crc: 0x1234_5678)
        #expect(throws: ImageDecodingProblem.checksumMismatch("the IHDR chunk at offset 8 has CRC 0x12345678, its data's is 0xfdd49a73")) {
            try decode(PNGTestFile.file([header, imageData, PNGTestFile.chunk("IEND", [])]))
        }
        let ancillary = PNGTestFile.chunk("tEXt", Array("a\u{0}b".utf8), crc: 0)
        #expect(throws: ImageDecodingProblem.checksumMismatch("the tEXt chunk at offset 33 has CRC 0x00000000, its data's is 0xdc49a23b")) {
            try decode(minimal(beforeData: [ancillary]))
        }
    }

    @Test func rejectsImpossibleChunkLengthsAndTypes() {
        let long = PNGTestFile.bigEndian(0x8000_0000) + Array("tEXt".utf8) + [0, 0, 0, 0]
        #expect(throws: ImageDecodingProblem.corrupt("the chunk at offset 33 declares 2147483648 bytes (at most 2^31 - 1)")) {
            try decode(minimal(beforeData: [long]))
        }
        #expect(throws: ImageDecodingProblem.corrupt("the chunk at offset 33 has type bytes 74 45 31 74, which are not four letters")) {
            try decode(minimal(beforeData: [PNGTestFile.chunk("tE1t", [])]))
        }
    }

    @Test func rejectsAMissingIEND() {
        let bytes = PNGTestFile.file([PNGTestFile.header(width: 2, height: 2), imageData])
        #expect(throws: ImageDecodingProblem.truncated("the chunks (no IEND chunk)")) { try decode(bytes) }
    }

    @Test func rejectsAnythingAfterIEND() {
        #expect(throws: ImageDecodingProblem.corrupt("3 bytes follow the IEND chunk")) { try decode(minimal() + [0, 0, 0]) }
        #expect(throws: ImageDecodingProblem.corrupt("\(imageData.count) bytes follow the IEND chunk")) { try decode(minimal() + imageData) }
    }

    @Test func rejectsChunksInTheWrongPlaceOrNumber() {
        let palette = PNGTestFile.chunk("PLTE", [1, 2, 3, 4, 5, 6])
        let grey = PNGTestFile.chunk("tRNS", [0, 1])
        let colour = PNGTestFile.chunk("tRNS", [0, 1, 0, 2, 0, 3])
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("no IDAT", chunks([]), .corrupt("the file has no IDAT chunk")),
            ("split IDAT", chunks([imageData, PNGTestFile.chunk("tEXt", []), imageData]), .corrupt("the IDAT chunks are not consecutive")),
            ("second IHDR", chunks([PNGTestFile.header(width: 2, height: 2), imageData]), .corrupt("a second IHDR chunk at offset 33")),
            ("PLTE after IDAT", chunks([imageData, palette]), .corrupt("the PLTE chunk follows IDAT")),
            ("two PLTE", chunks([palette, palette, imageData]), .corrupt("a second PLTE chunk at offset 51")),
            ("PLTE in grey", chunks([palette, imageData], colourType: 0), .corrupt("a PLTE chunk in a greyscale image")),
            ("PLTE length", chunks([PNGTestFile.chunk("PLTE", [1, 2]), imageData]), .corrupt("the PLTE chunk has 2 bytes, not 3 to 768 in steps of 3")),
            ("PLTE after tRNS", chunks([colour, palette, imageData]), .corrupt("the PLTE chunk follows tRNS")),
            ("tRNS after IDAT", chunks([imageData, colour]), .corrupt("the tRNS chunk follows IDAT")),
            ("two tRNS", chunks([colour, colour, imageData]), .corrupt("a second tRNS chunk at offset 51")),
            ("tRNS length", chunks([grey, imageData]), .corrupt("the tRNS chunk has 2 bytes, not 6")),
            ("grey tRNS length", chunks([colour, imageData], colourType: 0), .corrupt("the tRNS chunk has 6 bytes, not 2")),
            ("tRNS before PLTE", chunks([grey, palette, imageData], colourType: 3), .corrupt("the tRNS chunk comes before PLTE")),
            ("long tRNS", chunks([palette, PNGTestFile.chunk("tRNS", [1, 2, 3]), imageData], colourType: 3),
             .corrupt("the tRNS chunk has 3 entries for 2 palette entries")),
            ("no PLTE", chunks([imageData], colourType: 3), .corrupt("the indexed-colour image has no PLTE chunk before IDAT")),
            ("critical chunk", chunks([PNGTestFile.chunk("CRIT", []), imageData]),
             .unsupported("critical chunk CRIT is not part of the PNG standard")),
        ]
        for (name, bytes, problem) in cases {
            #expect(throws: problem, "\(name)") { try decode(bytes) }
        }
    }

    /// Unknown ancillary chunks, a suggested palette in a truecolour image and tRNS where an
    /// alpha channel makes it meaningless are all ignored, as Pillow ignores them.
    @Test func ignoresAncillaryChunks() throws {
        let extras = [PNGTestFile.chunk("prVt", [1, 2, 3]), PNGTestFile.chunk("abCd", []), PNGTestFile.chunk("PLTE", [9, 9, 9])]
        #expect(try decode(minimal(beforeData: extras)).pixels == Self.pixels)
        let rgba: [UInt8] = [0, 1, 2, 3, 128]
        let file = PNGTestFile.file(width: 1, height: 1, colourType: 6, beforeData: [PNGTestFile.chunk("tRNS", [0, 1, 0, 2, 0, 3])],
                                    scanlines: rgba)
        #expect(try decode(file) == decode(PNGTestFile.file(width: 1, height: 1, colourType: 6, scanlines: rgba)))
    }

    @Test func rejectsAnUnknownFilterType() {
        var scanlines = Self.scanlines
        scanlines[7] = 5
        #expect(throws: ImageDecodingProblem.corrupt("row 1 has filter type 5 (only 0 to 4 exist)")) {
            try decode(PNGTestFile.file(width: 2, height: 2, scanlines: scanlines))
        }
        // Interlaced 2 x 2: passes 1 (1 pixel), 6 (1 pixel) and 7 (one row of 2).
        let interlaced: [UInt8] = [0, 1, 2, 3, 0, 4, 5, 6, 9, 7, 8, 9, 10, 11, 12]
        #expect(throws: ImageDecodingProblem.corrupt("row 0 of Adam7 pass 7 has filter type 9 (only 0 to 4 exist)")) {
            try decode(PNGTestFile.file(width: 2, height: 2, interlace: 1, scanlines: interlaced))
        }
    }

    @Test func rejectsAPaletteIndexWithoutAnEntry() {
        let file = PNGTestFile.file(width: 4, height: 1, bitDepth: 2, colourType: 3,
                                    beforeData: [PNGTestFile.chunk("PLTE", [1, 2, 3, 4, 5, 6])], scanlines: [0, 0b0001_1100])
        #expect(throws: ImageDecodingProblem.corrupt("palette index 3 is beyond the 2 palette entries")) { try decode(file) }
    }

    /// A 1 x 1 RGB image holds 4 bytes of image data; a stream that would give 10 MB stops
    /// at the fifth.
    @Test func stopsAZlibBombAtTheSizeTheHeaderImplies() {
        let file = chunks([PNGTestFile.chunk("IDAT", DeflateTestStream.zlibBomb)], width: 1, height: 1)
        #expect(throws: ImageDecodingProblem.corrupt("the zlib stream holds more than the 4 bytes expected")) { try decode(file) }
    }

    @Test func rejectsTooLittleImageData() {
        let file = chunks([PNGTestFile.chunk("IDAT", DeflateTestStream.storedZlib([0, 1, 2]))], width: 1, height: 1)
        #expect(throws: ImageDecodingProblem.corrupt("the image data holds 3 bytes, the header implies 4")) { try decode(file) }
    }

    @Test func rejectsAWrongAdler32() {
        var stream = DeflateTestStream.storedZlib(Self.scanlines)
        stream[stream.count - 1] ^= 0x10
        #expect(throws: ImageDecodingProblem.self) { try decode(chunks([PNGTestFile.chunk("IDAT", stream)])) }
        do {
            _ = try decode(chunks([PNGTestFile.chunk("IDAT", stream)]))
        } catch {
            guard case .checksumMismatch = error else {
                Issue.record("a wrong Adler-32 gave \(error)")
                return
            }
        }
    }
}
