import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// Four-component (CMYK and YCCK) JPEG files: which colour space the markers select and how
/// the samples become RGB (Spec/jpeg.md section 7). The fixtures of golden/images/jpeg
/// check whole files against Pillow in `JPEGConformanceTests`.
struct JPEGFourComponentTests {
    /// The colour space libjpeg picks from an application segment list. `payloads` are
    /// (marker code, payload) pairs read in order.
    private static func colorSpace(identifiers: [UInt8], _ payloads: [(UInt8, [UInt8])]) -> JPEGColorSpace {
        var application = JPEGApplicationSegments()
        for (marker, payload) in payloads {
            payload.withUnsafeBytes { application.read(marker: marker, payload: $0) }
        }
        return JPEGColorSpace.of(componentIdentifiers: identifiers, application: application)
    }

    private static func adobe(_ transform: UInt8) -> (UInt8, [UInt8]) {
        (0xEE, Array("Adobe".utf8) + [0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform])
    }

    private static let jfif: (UInt8, [UInt8]) = (0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    private static let cmykIdentifiers = Array("CMYK".utf8)

    /// Four components: transform 0 is CMYK, 2 is YCCK, and libjpeg takes any other value as
    /// YCCK (with a warning); no Adobe marker means CMYK, and JFIF has no say.
    @Test func adobeTransformSelectsCMYKOrYCCK() {
        #expect(Self.colorSpace(identifiers: Self.cmykIdentifiers, [Self.adobe(0)]) == .cmyk)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.adobe(2)]) == .ycck)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.adobe(1)]) == .ycck)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.adobe(7)]) == .ycck)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], []) == .cmyk)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.jfif]) == .cmyk)
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.jfif, Self.adobe(2)]) == .ycck)
        // The last Adobe segment counts.
        #expect(Self.colorSpace(identifiers: [1, 2, 3, 4], [Self.adobe(2), Self.adobe(0)]) == .cmyk)
    }

    /// The same markers keep their three-component meaning: Adobe 0 is RGB, 2 is YCbCr, and
    /// JFIF overrides Adobe.
    @Test func threeComponentRulesAreUnchanged() {
        #expect(Self.colorSpace(identifiers: [1, 2, 3], [Self.adobe(0)]) == .rgb)
        #expect(Self.colorSpace(identifiers: [1, 2, 3], [Self.adobe(2)]) == .yCbCr)
        #expect(Self.colorSpace(identifiers: [1, 2, 3], [Self.jfif, Self.adobe(0)]) == .yCbCr)
        #expect(Self.colorSpace(identifiers: Array("RGB".utf8), []) == .rgb)
        #expect(Self.colorSpace(identifiers: [1], [Self.adobe(2)]) == .grey)
    }

    /// libjpeg's C, M, Y, K samples as Pillow converts them: raw mode "CMYK;I" inverts each
    /// sample, then `cmyk2rgb`. Expected values from Pillow 13:
    /// `Image.frombytes("CMYK", (5, 1), samples, "raw", "CMYK;I").convert("RGB")`.
    /// Repeated to 10 pixels so that any vectorised run and the tail agree.
    @Test func cmykSamplesBecomeRGBAsPillowConvertsThem() {
        let samples: [[UInt8]] = [[0, 128, 255, 255], [200, 10, 77, 128], [255, 255, 255, 0], [30, 60, 90, 1], [128, 128, 128, 128]]
        let pillow: [[UInt8]] = [[0, 128, 255], [100, 5, 39], [0, 0, 0], [0, 0, 0], [64, 64, 64]]
        let pixels = samples + samples
        let output = Self.convert(pixels) { planes, width, target in
            JPEGInkConversion.convertCMYK(planes[0], planes[1], planes[2], planes[3], width: width, into: target)
        }
        #expect(output == (pillow + pillow).flatMap { $0 })
    }

    /// Y, Cb, Cr, K samples: libjpeg's YCCK to CMYK (C = 255 - R of the YCbCr conversion,
    /// and so on; K unchanged), then Pillow's conversion. (100, 128, 200) gives R, G, B
    /// 201, 49, 100 by section 7's formulas, so libjpeg's C, M, Y, K are 54, 206, 155, 200,
    /// which Pillow (as in the CMYK test) turns into 42, 162, 122; (30, 250, 5, 90) gives
    /// 255, 179, 9, 90 and then 90, 63, 3.
    @Test func ycckSamplesBecomeRGBThroughCMYK() {
        let samples: [[UInt8]] = [[100, 128, 200, 200], [30, 250, 5, 90]]
        let pillow: [[UInt8]] = [[42, 162, 122], [90, 63, 3]]
        let pixels = Array(repeating: samples, count: 5).flatMap { $0 }
        let output = JPEGColorConverter.tables.withUnsafeBufferPointer { tables in
            Self.convert(pixels) { planes, width, target in
                JPEGInkConversion.convertYCCK(planes[0], planes[1], planes[2], planes[3], width: width,
                                              tables: tables.baseAddress!, into: target)
            }
        }
        #expect(output == Array(repeating: pillow, count: 5).flatMap { $0 }.flatMap { $0 })
    }

    /// Runs a row conversion on `pixels` (four samples each) split into four planes.
    private static func convert(_ pixels: [[UInt8]],
                                _ body: ([UnsafePointer<UInt8>], Int, UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        let planes = (0..<4).map { channel in pixels.map { $0[channel] } }
        var output = [UInt8](repeating: 0, count: 3 * pixels.count)
        planes[0].withUnsafeBufferPointer { p0 in
            planes[1].withUnsafeBufferPointer { p1 in
                planes[2].withUnsafeBufferPointer { p2 in
                    planes[3].withUnsafeBufferPointer { p3 in
                        output.withUnsafeMutableBufferPointer { target in
                            body([p0.baseAddress!, p1.baseAddress!, p2.baseAddress!, p3.baseAddress!], pixels.count,
                                 target.baseAddress!)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Pillow stores CMYK inverted whatever the markers say: removing the Adobe marker from
    /// its own CMYK file leaves the pixels as they were (both are CMYK to libjpeg; Pillow 13
    /// gives equal pixels for the two files too).
    @Test func cmykWithoutAdobeMarkerIsStillInverted() throws {
        let file = try readBytes(RepositoryPaths.golden("images/jpeg/cmyk_33x17_q75_adobe.jpg"))
        let split = JPEGStreams.split(file)
        let withoutAdobe = JPEGStreams.join(split.segments.filter { $0.marker != 0xEE }, rest: split.rest)
        #expect(withoutAdobe.count == file.count - 16)
        #expect(try JPEGDecoder.decode(withoutAdobe) == JPEGDecoder.decode(file))
    }

    /// Four components of 2 x 2 make an interleaved MCU of 16 blocks, more than T.81's 10:
    /// libjpeg (and so Pillow) refuses it.
    @Test func refusesAnInterleavedMCUOfMoreThanTenBlocks() {
        var file = JPEGStreams.HandMade()
        file.width = 16
        file.height = 16
        file.components = [(1, 0x22, 0), (2, 0x22, 0), (3, 0x22, 0), (4, 0x22, 0)]
        #expect(throws: ImageDecodingProblem.corrupt("the scan's MCU has 16 blocks; T.81 allows at most 10")) {
            try JPEGDecoder.decode(file.bytes())
        }
    }
}
