import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Lossless JPEG (SOF3): prediction, point transform, restarts, colour space and the files
/// refused (Spec/jpeg.md sections 4.5 and 7). The fixtures of golden/images/jpeg check whole
/// files against Pillow in `JPEGConformanceTests`.
struct JPEGLosslessTests {
    static let folder = RepositoryPaths.golden("images/jpeg")

    /// A 4 x 2 greyscale lossless file, predictor 1, point transform 1, by default: its DC
    /// table codes size categories 0, 1, 2, 16 as 0, 10, 110, 1110; its differences are
    /// 2, 0, 32768, -1 in row 0 and 0, 1, 0, 0 in row 1.
    private static func handMade() -> JPEGStreams.HandMade {
        var file = JPEGStreams.HandMade()
        file.sofMarker = 0xC3
        file.width = 4
        file.height = 2
        file.tables = []
        file.huffman = [JPEGStreams.segment(0xC4, [0x00, 1, 1, 1, 1] + [UInt8](repeating: 0, count: 12) + [0, 1, 2, 16])]
        file.scanHeader = [1, 1, 0x00, 1, 0, 1]
        file.data = JPEGStreams.entropyCoded([(0b110, 3), (0b10, 2), (0, 1), (0b1110, 4), (0b10, 2), (0, 1),
                                              (0, 1), (0b10, 2), (1, 1), (0, 1), (0, 1)])
        return file
    }

    /// Row 0 is a first row: 2^(7 - 1) + 2 = 66, 66, 66 + 32768 = 32834 (category 16 has no
    /// extra bits), 32833. Row 1 starts from the sample above, 66, then predicts from the
    /// left: 67, 67, 67. Samples are shifted left by the point transform and keep their low
    /// 8 bits: 132, 132, 132, 130 and 132, 134, 134, 134. Pillow 13 gives the same for these
    /// bytes.
    @Test func firstRowPointTransformAndWideDifferences() throws {
        let image = try JPEGDecoder.decode(Self.handMade().bytes())
        let grey: [UInt8] = [132, 132, 132, 130, 132, 134, 134, 134]
        #expect(image.width == 4 && image.height == 2)
        #expect(image.pixels == grey.flatMap { [$0, $0, $0] })
    }

    /// Each predictor on a row after the first, with the row above 100, 50, 200, 10 and
    /// differences 1, 2, 3, 4. The first sample is always 100 + 1; then, with Ra the sample
    /// to the left, Rb above, Rc above-left (T.81 table H.1):
    /// 1 (Ra): 103, 106, 110; 2 (Rb): 52, 203, 14; 3 (Rc): 102, 53, 204;
    /// 4 (Ra + Rb - Rc): 101 + 50 - 100 + 2 = 53, 53 + 200 - 50 + 3 = 206, 206 + 10 - 200 + 4 = 20;
    /// 5 (Ra + (Rb - Rc) / 2): 101 - 25 + 2 = 78, 78 + 75 + 3 = 156, 156 - 95 + 4 = 65;
    /// 6 (Rb + (Ra - Rc) / 2): 50 + 0 + 2 = 52, 200 + 1 + 3 = 204, 10 + 2 + 4 = 16;
    /// 7 ((Ra + Rb) / 2): 75 + 2 = 77, 138 + 3 = 141, 75 + 4 = 79.
    @Test(arguments: [(1, [101, 103, 106, 110]), (2, [101, 52, 203, 14]), (3, [101, 102, 53, 204]),
                      (4, [101, 53, 206, 20]), (5, [101, 78, 156, 65]), (6, [101, 52, 204, 16]),
                      (7, [101, 77, 141, 79])] as [(Int, [Int32])])
    func predictorReconstructsARow(predictor: Int, expected: [Int32]) {
        #expect(Self.undo([1, 2, 3, 4], previous: [100, 50, 200, 10], predictor: predictor, isFirstRow: false) == expected)
    }

    /// Halving rounds down, as libjpeg's arithmetic shift does: predictor 6 with Ra - Rc = -1
    /// adds -1, not 0. Row above 11, 20; differences -1, 0: 10, then 20 + (-1) = 19.
    @Test func halvingRoundsTowardsMinusInfinity() {
        #expect(Self.undo([-1, 0], previous: [11, 20], predictor: 6, isFirstRow: false) == [10, 19])
    }

    /// A first row ignores the row above and the predictor: 2^(7 - Pt), then the left.
    /// Pt 0: 128 + 1, + 2, + 3; Pt 3: 16 + 1, + 2, + 3. Sums wrap modulo 2^16.
    @Test func firstRowStartsFromHalfTheShiftedRange() {
        #expect(Self.undo([1, 2, 3], previous: [9, 9, 9], predictor: 4, isFirstRow: true) == [129, 131, 134])
        #expect(Self.undo([1, 2, 3], previous: [9, 9, 9], predictor: 4, isFirstRow: true, pointTransform: 3) == [17, 19, 22])
        #expect(Self.undo([32768, 32768], previous: [0, 0], predictor: 1, isFirstRow: true) == [32896, 128])
    }

    private static func undo(_ differences: [Int32], previous: [Int32], predictor: Int, isFirstRow: Bool,
                             pointTransform: Int = 0) -> [Int32] {
        var current = [Int32](repeating: 0, count: differences.count)
        differences.withUnsafeBufferPointer { d in
            previous.withUnsafeBufferPointer { p in
                current.withUnsafeMutableBufferPointer { c in
                    JPEGLosslessPrediction.undo(d.baseAddress!, previous: p.baseAddress!, into: c.baseAddress!,
                                                width: differences.count, isFirstRow: isFirstRow, predictor: predictor,
                                                pointTransform: pointTransform)
                }
            }
        }
        return current
    }

    /// Three lossless components are RGB unless a JFIF marker or an Adobe transform other
    /// than 0 says YCbCr, whatever their identifiers (libjpeg's rule for lossless frames).
    @Test func threeLosslessComponentsAreRGBWithoutMarkers() {
        let application = JPEGApplicationSegments()
        #expect(JPEGColorSpace.of(componentIdentifiers: [1, 2, 3], application: application, isLossless: true) == .rgb)
        #expect(JPEGColorSpace.of(componentIdentifiers: [0, 1, 2], application: application, isLossless: true) == .rgb)
        #expect(JPEGColorSpace.of(componentIdentifiers: [1, 2, 3], application: application, isLossless: false) == .yCbCr)
    }

    /// libjpeg converts no colours in lossless mode, so Pillow, which asks for RGB or CMYK,
    /// gets an error for YCbCr (a JFIF marker, or Adobe transform 1) and YCCK files.
    @Test func refusesColourConversionsLibjpegRefuses() throws {
        let rgb = try readBytes(Self.folder + "/craft_lossless_predictor1.jpg")
        let split = JPEGStreams.split(rgb)
        let jfif = JPEGStreams.segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
        let adobe1 = JPEGStreams.segment(0xEE, Array("Adobe".utf8) + [0, 0x64, 0, 0, 0, 0, 1])
        let ycbcr = ImageDecodingProblem.unsupported(
            "lossless JPEG in the YCbCr colour space, which libjpeg does not convert in lossless mode")
        for segment in [jfif, adobe1] {
            #expect(throws: ycbcr) { try JPEGDecoder.decode(JPEGStreams.join([(0, segment)] + split.segments, rest: split.rest)) }
        }
        let cmyk = try readBytes(Self.folder + "/craft_lossless_cmyk.jpg")
        let cmykSplit = JPEGStreams.split(cmyk)
        let adobe2 = JPEGStreams.segment(0xEE, Array("Adobe".utf8) + [0, 0x64, 0, 0, 0, 0, 2])
        #expect(throws: ImageDecodingProblem.unsupported(
            "lossless JPEG in the YCCK colour space, which libjpeg does not convert in lossless mode")) {
            try JPEGDecoder.decode(JPEGStreams.join([(0, adobe2)] + cmykSplit.segments, rest: cmykSplit.rest))
        }
    }

    /// Ss is the predictor (1 to 7), Se and Ah must be 0, Al below 8 (T.81 H.1.1, libjpeg's
    /// check).
    @Test func rejectsBadScanParameters() {
        for (ss, se, approximation) in [(0, 0, 0x01), (8, 0, 0x01), (1, 1, 0x01), (1, 0, 0x11), (1, 0, 0x08)] as [(UInt8, UInt8, UInt8)] {
            var file = Self.handMade()
            file.scanHeader = [1, 1, 0x00, ss, se, approximation]
            let error = #expect(throws: ImageDecodingProblem.self) { try JPEGDecoder.decode(file.bytes()) }
            guard case .corrupt(let message)? = error else {
                Issue.record("Ss \(ss) Se \(se) Ah/Al \(approximation): \(String(describing: error))")
                continue
            }
            #expect(message.hasPrefix("lossless scan with Ss \(ss), Se \(se), Ah \(approximation >> 4), Al \(approximation & 15)"))
        }
    }

    /// Lossless frames get no default Huffman tables (libjpeg fills them for sequential DCT
    /// frames only), and their DC tables may hold categories up to 16, not 17.
    @Test func rejectsMissingAndBadDifferenceTables() {
        var missing = Self.handMade()
        missing.huffman = []
        #expect(throws: ImageDecodingProblem.corrupt("the scan uses DC Huffman table 0, which no DHT segment defines")) {
            try JPEGDecoder.decode(missing.bytes())
        }
        var seventeen = Self.handMade()
        seventeen.huffman = [JPEGStreams.segment(0xC4, [0x00, 1, 1, 1, 1] + [UInt8](repeating: 0, count: 12) + [0, 1, 2, 17])]
        #expect(throws: ImageDecodingProblem.corrupt("DC Huffman table has symbol 17, above 16")) {
            try JPEGDecoder.decode(seventeen.bytes())
        }
    }

    /// libjpeg restarts lossless scans only at the start of MCU rows: an interval that is
    /// not a multiple of the MCUs per row (4 here) is refused.
    @Test func rejectsARestartIntervalInsideAnMCURow() {
        var file = Self.handMade()
        file.tables = [JPEGStreams.segment(0xDD, [0, 3])]
        #expect(throws: ImageDecodingProblem.corrupt(
            "the restart interval of 3 MCUs is not a whole number of MCU rows of 4, as lossless JPEG needs")) {
            try JPEGDecoder.decode(file.bytes())
        }
    }

    /// A restart before the second row of a v = 2 component in a scan of its own: libjpeg
    /// decodes the pair's differences first and restarts prediction at the pair's first
    /// row, so the row after the marker is predicted from the row above. Pillow's pixels,
    /// which differ from what the T.81 encoder meant in every odd row, are matched.
    @Test func restartInsideAnIMCURowRestartsPredictionWhereLibjpegDoes() throws {
        let name = "craft_lossless_restart_inside_imcu_row.jpg"
        let expected = try WeightFile(contentsOf: Self.folder + "/expected.shw")
        let image = try JPEGDecoder.decode(try readBytes(Self.folder + "/" + name))
        #expect(image.pixels == Array(expected.bytes(of: try expected.tensor(name))))
    }
}
