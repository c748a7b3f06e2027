/// What the decoder takes from APPn segments before the first scan (Spec/jpeg.md sections
/// 2.4 and 8): the JFIF and Adobe markers that decide the colour space (`JPEGColorSpace`),
/// as libjpeg reads them, and the EXIF and XMP data that hold the orientation, as Pillow
/// collects them.
struct JPEGApplicationSegments {
    /// Whether an APP0 segment of at least 14 bytes starting "JFIF\0" was seen.
    private(set) var sawJFIF = false
    /// The transform byte of the last APP14 segment of at least 12 bytes starting "Adobe".
    private(set) var adobeTransform: UInt8?
    /// The payloads of the APP1 "Exif\0\0" segments, each without those 6 bytes,
    /// concatenated in file order (Pillow concatenates them the same way).
    private(set) var exif: [UInt8]?
    /// The payload after the first NUL of the last APP1 segment starting with the XMP
    /// namespace "http://ns.adobe.com/xap/1.0/\0".
    private(set) var xmp: [UInt8]?

    private static let exifSignature = Array("Exif\0\0".utf8)
    private static let xmpSignature = Array("http://ns.adobe.com/xap/1.0/\0".utf8)

    /// Notes what the APPn segment with marker code `marker` (0xE0 to 0xEF) and `payload`
    /// says; segments it does not recognise are ignored.
    mutating func read(marker: UInt8, payload: UnsafeRawBufferPointer) {
        switch marker {
        case 0xE0:
            if payload.count >= 14, payload.starts(with: Array("JFIF\0".utf8)) { sawJFIF = true }
        case 0xE1:
            if payload.starts(with: Self.exifSignature) {
                exif = (exif ?? []) + payload.dropFirst(Self.exifSignature.count)
            } else if payload.starts(with: Self.xmpSignature) {
                xmp = Array(payload.dropFirst(Self.xmpSignature.count))
            }
        case 0xEE:
            if payload.count >= 12, payload.starts(with: Array("Adobe".utf8)) { adobeTransform = payload[11] }
        default:
            break
        }
    }
}
