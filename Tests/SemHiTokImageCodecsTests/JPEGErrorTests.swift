import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Malformed, unsupported and damaged JPEG files: each refused with the error Spec/jpeg.md
/// section 9 names, never a crash or a hang.
struct JPEGErrorTests {
    static let folder = RepositoryPaths.golden("images/jpeg")

    private func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try JPEGDecoder.decode(bytes, limits: limits)
    }

    private func fixture(_ name: String) throws -> [UInt8] {
        try readBytes(Self.folder + "/" + name)
    }

    /// `file` with the header segment for `marker` replaced by `replacement` (all of them).
    private func replacing(_ marker: UInt8, in file: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        let (segments, rest) = JPEGStreams.split(file)
        return JPEGStreams.join(segments.map { $0.marker == marker ? (marker, replacement) : $0 }, rest: rest)
    }

    @Test func rejectsTruncationAtEveryCutPoint() throws {
        // Arithmetic-coded data cut by the end of the file is truncated too, although data
        // ending at a marker is legal there (Spec/jpeg.md 4.6).
        for name in ["photo_33x17_q75_420_baseline.jpg", "photo_33x17_q75_420_progressive.jpg",
                     "noise_33x17_q75_444_restart5.jpg", "craft_progressive_successive.jpg",
                     "craft_lossless_420_restart.jpg", "craft_arithmetic_progressive_restart.jpg"] {
            let file = try fixture(name)
            for length in 0..<file.count {
                let error = #expect(throws: ImageDecodingProblem.self, "\(name) cut at \(length)") {
                    try decode(Array(file[0..<length]))
                }
                guard case .truncated? = error else {
                    Issue.record("\(name) cut at \(length): \(String(describing: error)) is not `truncated`")
                    continue
                }
            }
        }
    }

    /// Arithmetic-coded scans resynchronise as libjpeg does (JPEGDamageTests): RST3 where
    /// RST0 is due is none of the two markers before or after it, so it is taken as the
    /// restart, and the file decodes to the pixels of the undamaged one, as in Pillow.
    @Test func takesAFarOffRestartMarkerAsTheRestart() throws {
        for name in ["craft_arithmetic_sequential_restart_conditioning.jpg", "craft_arithmetic_progressive_restart.jpg"] {
            var file = try fixture(name)
            let original = try decode(file)
            let scanStart = JPEGStreams.split(file).segments.reduce(2) { $0 + $1.bytes.count }
            let first = try #require((scanStart..<(file.count - 1)).first { file[$0] == 0xFF && file[$0 + 1] == 0xD0 })
            file[first + 1] = 0xD3
            #expect(try decode(file).pixels == original.pixels, "\(name)")
        }
    }

    @Test func rejectsBadHuffmanTables() {
        let zeros = [UInt8](repeating: 0, count: 15)
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("over-subscribed", [0x10, 3] + zeros + [0, 1, 2], .corrupt("Huffman table over-subscribes the codes of length 1")),
            ("all-ones code", [0x10, 2] + zeros + [0, 1], .corrupt("Huffman table over-subscribes the codes of length 1")),
            // 200 codes of 1 bit would lay their lookup entries far past the table's layout.
            ("200 one-bit codes", [0x10, 200] + zeros + (0..<200).map(UInt8.init),
             .corrupt("Huffman table over-subscribes the codes of length 1")),
            // Lengths 1 to 4 empty, then 255 five-bit codes where 31 fit.
            ("255 five-bit codes", [0x10, 0, 0, 0, 0, 255] + [UInt8](repeating: 0, count: 11) + (0..<255).map(UInt8.init),
             .corrupt("Huffman table over-subscribes the codes of length 5")),
            ("class 2", [0x20, 1] + zeros + [0], .corrupt("DHT table class 2 is neither 0 (DC) nor 1 (AC)")),
            ("slot 4", [0x14, 1] + zeros + [0], .corrupt("DHT table slot 4 is above 3")),
            ("short symbols", [0x10, 5] + zeros + [0, 1], .corrupt("the DHT segment ends inside a table's symbols")),
            ("short counts", [0x10, 1, 0], .corrupt("the DHT segment ends inside a table's code counts")),
            ("257 symbols", [0x10] + [UInt8](repeating: 17, count: 15) + [2] + [UInt8](repeating: 0, count: 257),
             .corrupt("DHT table has 257 symbols, more than 256")),
        ]
        for (name, payload, problem) in cases {
            var file = JPEGStreams.HandMade()
            file.huffman[1] = JPEGStreams.segment(0xC4, payload)
            #expect(throws: problem, "\(name)") { try decode(file.bytes()) }
        }
        var dcSymbol = JPEGStreams.HandMade()
        dcSymbol.huffman[0] = JPEGStreams.segment(0xC4, [0x00, 1] + zeros + [16])
        #expect(throws: ImageDecodingProblem.corrupt("DC Huffman table has symbol 16, above 15")) { try decode(dcSymbol.bytes()) }
    }

    @Test func rejectsMissingTables() {
        var noQuantization = JPEGStreams.HandMade()
        noQuantization.tables = []
        #expect(throws: ImageDecodingProblem.corrupt("component 1 uses quantization table 0, which no DQT segment defines")) {
            try decode(noQuantization.bytes())
        }
        var noHuffman = JPEGStreams.HandMade()
        noHuffman.scanHeader = [1, 1, 0x22, 0, 63, 0]
        #expect(throws: ImageDecodingProblem.corrupt("the scan uses DC Huffman table 2, which no DHT segment defines")) {
            try decode(noHuffman.bytes())
        }
    }

    /// libjpeg-turbo's sequential decoder gives undefined slots 0 and 1 the tables of T.81
    /// annex K (Motion JPEG): a file without DHT decodes as the same file with them.
    @Test func sequentialFramesGetTheStandardTablesWhenNoneAreDefined() throws {
        let file = try fixture("photo_33x17_q75_420_baseline.jpg")
        let (segments, rest) = JPEGStreams.split(file)
        #expect(segments.contains { $0.marker == 0xC4 })
        let stripped = JPEGStreams.join(segments.filter { $0.marker != 0xC4 }, rest: rest)
        #expect(try decode(stripped) == decode(file))
    }

    /// Its progressive decoder does not: the same file with its (standard) tables removed
    /// is refused, as Pillow refuses it.
    @Test func progressiveFramesNeedTheirTables() throws {
        let file = try fixture("craft_progressive_standard_tables.jpg")
        var stripped: [UInt8] = []
        var position = 0
        // Entropy-coded data never holds FF C4 (FF is always followed by 00 there).
        while position < file.count {
            if position + 3 < file.count, file[position] == 0xFF, file[position + 1] == 0xC4 {
                position += 2 + (Int(file[position + 2]) << 8 | Int(file[position + 3]))
            } else {
                stripped.append(file[position])
                position += 1
            }
        }
        #expect(stripped.count < file.count)
        #expect(throws: ImageDecodingProblem.corrupt("the scan uses DC Huffman table 0, which no DHT segment defines")) {
            try decode(stripped)
        }
    }

    @Test func refusesSizesBeyondTheLimitsBeforeAllocating() throws {
        var huge = JPEGStreams.HandMade()
        huge.width = 65535
        huge.height = 65535
        #expect(throws: ImageDecodingProblem.tooLarge(width: 65535, height: 65535, limit: 1 << 26)) { try decode(huge.bytes()) }
        let small = ImageLimits(maximumPixelCount: 560)
        #expect(throws: ImageDecodingProblem.tooLarge(width: 33, height: 17, limit: 560)) {
            try decode(try fixture("photo_33x17_q75_420_baseline.jpg"), limits: small)
        }
        var zeroWidth = JPEGStreams.HandMade()
        zeroWidth.width = 0
        #expect(throws: ImageDecodingProblem.corrupt("image size 0 x 8")) { try decode(zeroWidth.bytes()) }
        var zeroHeight = JPEGStreams.HandMade()
        zeroHeight.height = 0
        #expect(throws: ImageDecodingProblem.unsupported("a frame height of 0 (the height given later by a DNL marker)")) {
            try decode(zeroHeight.bytes())
        }
    }

    @Test func rejectsBadFrameHeaders() {
        let cases: [(String, (inout JPEGStreams.HandMade) -> Void, ImageDecodingProblem)] = [
            ("sampling 0", { $0.components = [(1, 0x01, 0)] }, .corrupt("component 1 has sampling factors 0 x 1; T.81 allows 1 to 4")),
            ("sampling 5", { $0.components = [(1, 0x15, 0)] }, .corrupt("component 1 has sampling factors 1 x 5; T.81 allows 1 to 4")),
            ("sampling 3", { $0.components = [(1, 0x31, 0)] }, .unsupported("component 1 has sampling factors 3 x 1; only 1 and 2 are decoded")),
            ("quantization slot 4", { $0.components = [(1, 0x11, 4)] }, .corrupt("component 1 uses quantization table 4, above 3")),
            ("duplicate identifiers", { $0.components = [(1, 0x11, 0), (1, 0x11, 0), (2, 0x11, 0)] },
             .corrupt("two components have the identifier 1")),
            ("no components", { $0.components = [] }, .corrupt("the frame has no components")),
        ]
        for (name, edit, problem) in cases {
            var file = JPEGStreams.HandMade()
            edit(&file)
            #expect(throws: problem, "\(name)") { try decode(file.bytes()) }
        }
    }

    @Test func rejectsBadScanHeaders() {
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("unknown component", [1, 9, 0x00, 0, 63, 0], .corrupt("the scan refers to component 9, which the frame does not have")),
            ("no components", [0, 0, 63, 0], .corrupt("the scan has 0 components; T.81 allows 1 to 4")),
            ("length", [1, 1, 0x00, 0, 63], .corrupt("the SOS segment is 5 bytes; 1 components need 6")),
            ("twice", [2, 1, 0x00, 1, 0x00, 0, 63, 0], .corrupt("the scan lists component 1 twice")),
        ]
        for (name, header, problem) in cases {
            var file = JPEGStreams.HandMade()
            file.scanHeader = header
            #expect(throws: problem, "\(name)") { try decode(file.bytes()) }
        }
        var large = JPEGStreams.HandMade()
        large.components = [(1, 0x22, 0), (2, 0x22, 0), (3, 0x22, 0)]
        #expect(throws: ImageDecodingProblem.corrupt("the scan's MCU has 12 blocks; T.81 allows at most 10")) { try decode(large.bytes()) }
    }

    @Test func rejectsProgressiveScanParametersOutOfRange() {
        let cases: [([UInt8], String)] = [
            ([1, 1, 0x00, 0, 5, 0x00], "progressive DC scan with Ss 0, Se 5, Ah 0, Al 0: Se must be 0"),
            ([1, 1, 0x00, 6, 5, 0x00], "progressive AC scan with Ss 6, Se 5, Ah 0, Al 0: need 1 <= Ss <= Se <= 63"),
            ([1, 1, 0x00, 1, 64, 0x00], "progressive AC scan with Ss 1, Se 64, Ah 0, Al 0: need 1 <= Ss <= Se <= 63"),
            ([1, 1, 0x00, 0, 0, 0x31], "progressive scan with Ss 0, Se 0, Ah 3, Al 1: a refinement scan must have Al = Ah - 1"),
            ([1, 1, 0x00, 0, 0, 0x0E], "progressive scan with Ss 0, Se 0, Ah 0, Al 14: Al above 13"),
        ]
        for (header, message) in cases {
            var file = JPEGStreams.HandMade()
            file.sofMarker = 0xC2
            file.scanHeader = header
            #expect(throws: ImageDecodingProblem.corrupt(message)) { try decode(file.bytes()) }
        }
        var twoComponents = JPEGStreams.HandMade()
        twoComponents.sofMarker = 0xC2
        twoComponents.components = [(1, 0x11, 0), (2, 0x11, 0), (3, 0x11, 0)]
        twoComponents.scanHeader = [2, 1, 0x00, 2, 0x00, 1, 63, 0x00]
        #expect(throws: ImageDecodingProblem.corrupt("progressive AC scan with 2 components; AC scans code one component")) {
            try decode(twoComponents.bytes())
        }
    }

    @Test func rejectsMarkersInTheWrongOrder() throws {
        let segments = JPEGStreams.split(JPEGStreams.HandMade().bytes()).segments
        let sof = try #require(segments.first { $0.marker == 0xC0 }).bytes
        let sos = try #require(segments.first { $0.marker == 0xDA }).bytes
        let good = JPEGStreams.HandMade().bytes()
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("no SOI", [0x00] + good, .corrupt("not a JPEG file: it does not start with the SOI marker FFD8")),
            ("empty", [], .truncated("the SOI marker")),
            ("SOS before SOF", [0xFF, 0xD8] + sos + [0x00, 0xFF, 0xD9],
             .corrupt("a scan (SOS marker) comes before the frame header (SOF marker)")),
            ("EOI first", [0xFF, 0xD8, 0xFF, 0xD9], .corrupt("the EOI marker comes before any image (no SOF and SOS)")),
            ("EOI before SOS", [0xFF, 0xD8] + sof + [0xFF, 0xD9], .corrupt("the EOI marker comes before any scan")),
            ("second SOF", [0xFF, 0xD8] + sof + sof, .corrupt("a second frame header (SOF marker FFC0)")),
            ("second SOI", [0xFF, 0xD8, 0xFF, 0xD8], .corrupt("a second SOI marker")),
            ("reserved marker", [0xFF, 0xD8, 0xFF, 0x02, 0x00, 0x02], .corrupt("unknown marker FF02")),
        ]
        for (name, bytes, problem) in cases {
            #expect(throws: problem, "\(name)") { try decode(bytes) }
        }
    }

    @Test func rejectsMalformedTableSegments() {
        let cases: [(String, [UInt8], ImageDecodingProblem)] = [
            ("DQT precision 2", JPEGStreams.segment(0xDB, [0x20] + [UInt8](repeating: 1, count: 64)),
             .corrupt("DQT table precision code 2 is neither 0 (8-bit) nor 1 (16-bit)")),
            ("DQT slot 4", JPEGStreams.segment(0xDB, [0x04] + [UInt8](repeating: 1, count: 64)),
             .corrupt("DQT table slot 4 is above 3")),
            ("DQT short", JPEGStreams.segment(0xDB, [0x10] + [UInt8](repeating: 1, count: 64)),
             .corrupt("the DQT segment ends inside table 0")),
            ("DRI length", JPEGStreams.segment(0xDD, [0, 1, 2]), .corrupt("the DRI segment is 3 bytes, not 2")),
            ("segment length 1", [0xFF, 0xFE, 0x00, 0x01], .corrupt("the FFFE segment's length is 1, below 2")),
            ("segment past the end", [0xFF, 0xFE, 0x01, 0x00], .truncated("the FFFE segment")),
        ]
        for (name, segment, problem) in cases {
            var file = JPEGStreams.HandMade()
            file.tables = [segment]
            #expect(throws: problem, "\(name)") { try decode(file.bytes()) }
        }
    }

    @Test func refusesWhatIsNotDecoded() {
        let frames: [(UInt8, String)] = [
            (0xC5, "hierarchical JPEG (SOF5)"), (0xC6, "hierarchical JPEG (SOF6)"), (0xC7, "hierarchical JPEG (SOF7)"),
            (0xCB, "lossless JPEG with arithmetic coding (SOF11)"), (0xCD, "hierarchical JPEG with arithmetic coding (SOF13)"),
            (0xCE, "hierarchical JPEG with arithmetic coding (SOF14)"), (0xCF, "hierarchical JPEG with arithmetic coding (SOF15)"),
        ]
        for (marker, description) in frames {
            var file = JPEGStreams.HandMade()
            file.sofMarker = marker
            #expect(throws: ImageDecodingProblem.unsupported(description)) { try decode(file.bytes()) }
        }
        var twelveBit = JPEGStreams.HandMade()
        twelveBit.precision = 12
        #expect(throws: ImageDecodingProblem.unsupported("12-bit samples; only 8-bit JPEG is decoded")) { try decode(twelveBit.bytes()) }
        var two = JPEGStreams.HandMade()
        two.components = [(1, 0x11, 0), (2, 0x11, 0)]
        #expect(throws: ImageDecodingProblem.unsupported("2-component JPEG; only 1-, 3- and 4-component images are decoded")) {
            try decode(two.bytes())
        }
        var hierarchy = JPEGStreams.HandMade()
        hierarchy.tables = [[0xFF, 0xDE, 0x00, 0x02]]
        #expect(throws: ImageDecodingProblem.unsupported("hierarchical JPEG (marker FFDE)")) { try decode(hierarchy.bytes()) }
    }

    /// libjpeg skips bytes that are not markers where a marker is expected, and so does
    /// this decoder: padding after the entropy-coded data and before a restart marker.
    @Test func skipsBytesBetweenScanDataAndMarkers() throws {
        let file = try fixture("photo_61x47_q75_420_restart1.jpg")
        let expected = try decode(file)
        let scanStart = JPEGStreams.split(file).segments.reduce(2) { $0 + $1.bytes.count }
        var padded = file
        let first = try #require((scanStart..<(file.count - 1)).first { file[$0] == 0xFF && file[$0 + 1] == 0xD0 })
        padded.insert(contentsOf: [0x12, 0x34, 0xFF, 0x00], at: first)
        padded.insert(contentsOf: [0x00, 0x00], at: padded.count - 2)
        #expect(try decode(padded) == expected)
    }

    @Test func refusesMoreScansThanTheBound() throws {
        var file = JPEGStreams.HandMade()
        file.sofMarker = 0xC2
        // DC first scans of one block each, coded with the single code `0`: one bit each.
        file.scanHeader = [1, 1, 0x00, 0, 0, 0x00]
        let scan = JPEGStreams.segment(0xDA, [1, 1, 0x00, 0, 0, 0x00]) + [0x7F]
        let base = file.bytes().dropLast(2)
        let within = Array(base) + (1..<JPEGDecoder.maximumScanCount).flatMap { _ in scan } + [0xFF, 0xD9]
        #expect(throws: Never.self) { try decode(within) }
        let beyond = Array(base) + (0..<JPEGDecoder.maximumScanCount).flatMap { _ in scan } + [0xFF, 0xD9]
        #expect(throws: ImageDecodingProblem.unsupported("more than 256 scans")) { try decode(beyond) }
    }

    @Test func requiresTheEndOfImageMarker() throws {
        let file = try fixture("photo_33x17_q75_420_baseline.jpg")
        #expect(throws: ImageDecodingProblem.truncated("the JPEG data before its EOI marker")) {
            try decode(Array(file.dropLast(2)))
        }
    }
}
