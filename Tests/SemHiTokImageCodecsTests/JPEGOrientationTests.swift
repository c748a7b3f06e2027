import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// EXIF and XMP orientation (Spec/jpeg.md section 8): reading the value in both byte orders,
/// ignoring damage, and the eight transforms, checked on a 3 x 2 image whose pixels are
/// numbered.
struct JPEGOrientationTests {
    /// A TIFF header and IFD0 with the given 12-byte entries, in either byte order.
    private func tiff(bigEndian: Bool, entries: [(tag: Int, type: Int, count: Int, value: [UInt8])]) -> [UInt8] {
        func field(_ value: Int, _ size: Int) -> [UInt8] {
            let bytes = (0..<size).map { UInt8((value >> (8 * $0)) & 0xFF) }
            return bigEndian ? bytes.reversed() : bytes
        }
        var data: [UInt8] = bigEndian ? [0x4D, 0x4D, 0x00, 0x2A] : [0x49, 0x49, 0x2A, 0x00]
        data += field(8, 4) + field(entries.count, 2)
        for entry in entries { data += field(entry.tag, 2) + field(entry.type, 2) + field(entry.count, 4) + entry.value }
        return data + field(0, 4)
    }

    private func short(_ value: Int, bigEndian: Bool) -> [UInt8] {
        bigEndian ? [0, UInt8(value), 0, 0] : [UInt8(value), 0, 0, 0]
    }

    @Test func readsTheOrientationTagInBothByteOrders() {
        for bigEndian in [false, true] {
            let data = tiff(bigEndian: bigEndian, entries: [(0x0110, 2, 4, [0x41, 0x42, 0x43, 0]),
                                                             (0x0112, 3, 1, short(6, bigEndian: bigEndian))])
            #expect(JPEGOrientation.exifValue(data) == 6)
            let long = tiff(bigEndian: bigEndian, entries: [(0x0112, 4, 1, bigEndian ? [0, 0, 0, 8] : [8, 0, 0, 0])])
            #expect(JPEGOrientation.exifValue(long) == 8)
        }
    }

    @Test func takesTheLastOccurrenceAndSkipsUnusableEntries() {
        let twice = tiff(bigEndian: false, entries: [(0x0112, 3, 1, short(3, bigEndian: false)), (0x0112, 3, 1, short(5, bigEndian: false))])
        #expect(JPEGOrientation.exifValue(twice) == 5)
        let text = tiff(bigEndian: false, entries: [(0x0112, 2, 2, [0x36, 0, 0, 0])])
        #expect(JPEGOrientation.exifValue(text) == nil)
        let pair = tiff(bigEndian: false, entries: [(0x0112, 3, 2, [6, 0, 6, 0])])
        #expect(JPEGOrientation.exifValue(pair) == nil)
    }

    @Test func ignoresDamagedExifData() {
        let good = tiff(bigEndian: false, entries: [(0x0112, 3, 1, short(6, bigEndian: false)), (0x0100, 3, 1, short(1, bigEndian: false))])
        #expect(JPEGOrientation.exifValue(Array(good.dropLast(8))) == 6, "entries read before the damage count")
        #expect(JPEGOrientation.exifValue(Array(good.prefix(13))) == nil)
        #expect(JPEGOrientation.exifValue([0x58, 0x58, 0x2A, 0x00, 8, 0, 0, 0, 0, 0]) == nil, "not a TIFF header")
        #expect(JPEGOrientation.exifValue([0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]) == nil, "IFD0 past the end")
        #expect(JPEGOrientation.exifValue([]) == nil)
        #expect(JPEGOrientation.exifValue(Array("Exif\0\0Exif\0\0".utf8) + good) == 6, "repeated signatures are stripped")
    }

    @Test func readsXMPOrientationOnlyWithoutTheExifTag() {
        let attribute = Array("<rdf:Description tiff:Orientation=\"7\"/>".utf8)
        let element = Array("<x>tiff:Orientation junk</x><tiff:Orientation>3</tiff:Orientation>".utf8)
        #expect(JPEGOrientation.xmpValue(attribute) == 7)
        #expect(JPEGOrientation.xmpValue(element) == 3)
        #expect(JPEGOrientation.xmpValue(Array("tiff:Orientation=\"x\"".utf8)) == nil)
        let exif = tiff(bigEndian: false, entries: [(0x0112, 3, 1, short(2, bigEndian: false))])
        let noTag = tiff(bigEndian: false, entries: [(0x0100, 3, 1, short(1, bigEndian: false))])
        #expect(JPEGOrientation.value(exif: exif, xmp: attribute) == 2)
        #expect(JPEGOrientation.value(exif: noTag, xmp: attribute) == 7)
        #expect(JPEGOrientation.value(exif: nil, xmp: nil) == nil)
    }

    /// Pixel `n` of the 3 x 2 input has R = n: 0 1 2 on the top row, 3 4 5 below. Each
    /// expected output lists where the input pixels go, row by row.
    @Test func appliesTheEightOrientations() {
        let pixels = (0..<6).flatMap { index -> [UInt8] in [UInt8(index), 0, 0] }
        let image = RGBImage(width: 3, height: 2, pixels: pixels)
        let expected: [Int: (width: Int, rows: [UInt8])] = [
            1: (3, [0, 1, 2, 3, 4, 5]),
            2: (3, [2, 1, 0, 5, 4, 3]),
            3: (3, [5, 4, 3, 2, 1, 0]),
            4: (3, [3, 4, 5, 0, 1, 2]),
            5: (2, [0, 3, 1, 4, 2, 5]),
            6: (2, [3, 0, 4, 1, 5, 2]),
            7: (2, [5, 2, 4, 1, 3, 0]),
            8: (2, [2, 5, 1, 4, 0, 3]),
        ]
        for (orientation, want) in expected {
            let turned = JPEGOrientation.apply(orientation, to: image)
            #expect(turned.width == want.width, "orientation \(orientation)")
            #expect(turned.height == 6 / want.width, "orientation \(orientation)")
            #expect(stride(from: 0, to: 18, by: 3).map { turned.pixels[$0] } == want.rows, "orientation \(orientation)")
        }
        #expect(JPEGOrientation.apply(9, to: image) == image)
        #expect(JPEGOrientation.apply(0, to: image) == image)
    }
}
