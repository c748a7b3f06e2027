/// The EXIF orientation of a JPEG and its application to the decoded image, as Pillow's
/// `ImageOps.exif_transpose` does (Spec/jpeg.md section 8).
///
/// The value is tag 0x0112 of the EXIF data's first image file directory (TIFF IFD0,
/// either byte order); when that tag is absent, the first `tiff:Orientation="N"` or
/// `tiff:Orientation>N` in the XMP packet. Damaged EXIF data is ignored, never an error:
/// whatever can be read before the damage counts.
enum JPEGOrientation {
    /// The orientation, 1 to 8 when recognised, from the EXIF data (without its "Exif\0\0"
    /// prefix) and the XMP packet; nil when neither gives one.
    static func value(exif: [UInt8]?, xmp: [UInt8]?) -> Int? {
        if let exif, let value = exifValue(exif) { return value }
        if let xmp { return xmpValue(xmp) }
        return nil
    }

    /// Tag 0x0112 of IFD0 when it is a SHORT or LONG with count 1; when it occurs more
    /// than once, the last occurrence.
    static func exifValue(_ data: [UInt8]) -> Int? {
        var tiff = data[...]
        // Pillow strips the signature as often as it repeats.
        let signature = Array("Exif\0\0".utf8)
        while tiff.starts(with: signature) { tiff = tiff.dropFirst(signature.count) }
        let bytes = Array(tiff)
        guard bytes.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
        case (0x49, 0x49, 0x2A, 0x00): bigEndian = false
        case (0x4D, 0x4D, 0x00, 0x2A): bigEndian = true
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= bytes.count, offset <= bytes.count - size else { return nil }
            var value = 0
            for index in 0..<size {
                let byte = Int(bytes[bigEndian ? offset + index : offset + size - 1 - index])
                value = value << 8 | byte
            }
            return value
        }
        guard let directory = read(4, 4), directory <= bytes.count, let entryCount = read(directory, 2) else { return nil }
        var orientation: Int?
        for entry in 0..<entryCount {
            let offset = directory + 2 + 12 * entry
            guard let tag = read(offset, 2), let type = read(offset + 2, 2), let count = read(offset + 4, 4),
                  read(offset + 8, 4) != nil else { break }
            guard tag == 0x0112, count == 1 else { continue }
            if type == 3 { orientation = read(offset + 8, 2) }
            if type == 4 { orientation = read(offset + 8, 4) }
        }
        return orientation
    }

    /// The digit of the first `tiff:Orientation="N"` or `tiff:Orientation>N` in `xmp`
    /// (Pillow's regular expression `tiff:Orientation(="|>)([0-9])`).
    static func xmpValue(_ xmp: [UInt8]) -> Int? {
        let key = Array("tiff:Orientation".utf8)
        guard xmp.count > key.count else { return nil }
        for start in 0...(xmp.count - key.count) where xmp[start..<(start + key.count)].elementsEqual(key) {
            var index = start + key.count
            if index < xmp.count, xmp[index] == UInt8(ascii: ">") {
                index += 1
            } else if index + 1 < xmp.count, xmp[index] == UInt8(ascii: "="), xmp[index + 1] == UInt8(ascii: "\"") {
                index += 2
            } else {
                continue
            }
            if index < xmp.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(xmp[index]) {
                return Int(xmp[index] - UInt8(ascii: "0"))
            }
        }
        return nil
    }

    /// `image` displayed as orientation `value` asks (EXIF 2.3 tag 0x0112): 2 mirrors left to
    /// right, 3 rotates by 180 degrees, 4 mirrors top to bottom, 5 transposes, 6 rotates 90
    /// degrees clockwise, 7 transverses, 8 rotates 90 degrees counter-clockwise; any other
    /// value leaves it as it is. Orientations 5 to 8 swap width and height.
    static func apply(_ value: Int, to image: RGBImage) -> RGBImage {
        guard (2...8).contains(value) else { return image }
        let width = image.width
        let height = image.height
        let swaps = value >= 5
        let outputWidth = swaps ? height : width
        let outputHeight = swaps ? width : height
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        // The input pixel shown at output position (x, y).
                        let (sourceX, sourceY): (Int, Int) = switch value {
                        case 2: (width - 1 - x, y)
                        case 3: (width - 1 - x, height - 1 - y)
                        case 4: (x, height - 1 - y)
                        case 5: (y, x)
                        case 6: (y, height - 1 - x)
                        case 7: (width - 1 - y, height - 1 - x)
                        default: (width - 1 - y, x)
                        }
                        let from = 3 * (sourceY * width + sourceX)
                        let to = 3 * (y * outputWidth + x)
                        output[to] = input[from]
                        output[to + 1] = input[from + 1]
                        output[to + 2] = input[from + 2]
                    }
                }
            }
        }
        return RGBImage(width: outputWidth, height: outputHeight, pixels: pixels)
    }
}
