/// The IHDR chunk: image size, sample format and interlacing (PNG specification, section
/// 11.2.2), checked as Spec/png.md section 4 says.
struct PNGHeader: Equatable {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colourType: PNGColourType
    let interlaced: Bool

    /// Parses and checks the 13-byte IHDR payload. Throws `corrupt` naming the bad field.
    init(_ data: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        guard data.count == 13 else { throw .corrupt("the IHDR chunk has \(data.count) bytes, not 13") }
        let width = Int(bigEndianUInt32(data, at: 0))
        let height = Int(bigEndianUInt32(data, at: 4))
        guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
            throw .corrupt("image size \(width) x \(height): both must be 1 to 2^31 - 1")
        }
        guard let colourType = PNGColourType(rawValue: data[9]) else { throw .corrupt("colour type \(data[9]) does not exist") }
        let bitDepth = Int(data[8])
        guard colourType.allowedBitDepths.contains(bitDepth) else {
            throw .corrupt("bit depth \(bitDepth) is not allowed for colour type \(colourType.rawValue)")
        }
        guard data[10] == 0 else { throw .corrupt("compression method \(data[10]) does not exist (only 0)") }
        guard data[11] == 0 else { throw .corrupt("filter method \(data[11]) does not exist (only 0)") }
        guard data[12] <= 1 else { throw .corrupt("interlace method \(data[12]) does not exist (only 0 and 1)") }
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colourType = colourType
        interlaced = data[12] == 1
    }

    /// Bits per pixel: 1 to 64.
    var bitsPerPixel: Int { bitDepth * colourType.channels }

    /// The byte distance the filters look back: bytes per pixel, rounded up to 1.
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Bytes of one scanline of `pixels` pixels, without its filter byte.
    func rowBytes(pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

    /// The passes the image data holds, in order, with their numbers (1 to 7, or 0 for
    /// the whole of a non-interlaced image) and sizes; passes with no pixels are left out
    /// (they have no data).
    var passes: [(number: Int, pass: Adam7.Pass, width: Int, height: Int)] {
        let all = interlaced ? Array(zip(1...7, Adam7.passes)) : [(0, Adam7.whole)]
        return all.compactMap { number, pass in
            let (passWidth, passHeight) = pass.size(width: width, height: height)
            return passWidth > 0 && passHeight > 0 ? (number, pass, passWidth, passHeight) : nil
        }
    }

    /// Bytes of the decompressed image data: for every pass, its rows, each a filter byte
    /// and `rowBytes` bytes. Throws `tooLarge` if the count does not fit in an `Int` (only
    /// possible with limits far above the standard ones).
    func decompressedSize(limit: Int) throws(ImageDecodingProblem) -> Int {
        var total = 0
        for (_, _, passWidth, passHeight) in passes {
            let (bits, bitsOverflow) = passWidth.multipliedReportingOverflow(by: bitsPerPixel)
            let (bytes, bytesOverflow) = (1 + (bits / 8 + (bits % 8 == 0 ? 0 : 1))).multipliedReportingOverflow(by: passHeight)
            let (sum, sumOverflow) = total.addingReportingOverflow(bytes)
            guard !bitsOverflow, !bytesOverflow, !sumOverflow else {
                throw .tooLarge(width: width, height: height, limit: limit)
            }
            total = sum
        }
        return total
    }
}
