/// The alpha plane of a lossy WebP frame, from its ALPH chunk (Spec/webp.md section 5).
///
/// The chunk's first byte holds, from the least significant bits: the compression method
/// (2 bits: 0 raw, 1 a VP8L image stream without header whose green channel is the
/// alpha), the filter (2 bits: none, horizontal, vertical, gradient), the pre-processing
/// (2 bits, 0 or 1, a hint that changes nothing here) and 2 reserved bits that must be 0.
enum WebPAlphaPlane {
    /// The `width * height` alpha values, row by row, of the ALPH payload `payload`.
    static func decode(_ payload: UnsafeRawBufferPointer, width: Int, height: Int) throws(ImageDecodingProblem) -> [UInt8] {
        guard payload.count > 1 else { throw .corrupt("the ALPH chunk has \(payload.count) bytes, at least 2 are needed") }
        let flags = payload[0]
        let method = Int(flags & 3)
        let filter = Int((flags >> 2) & 3)
        let preprocessing = Int((flags >> 4) & 3)
        guard method <= 1 else { throw .corrupt("the ALPH compression method is \(method), 0 or 1 are defined") }
        guard preprocessing <= 1 else { throw .corrupt("the ALPH pre-processing is \(preprocessing), 0 or 1 are defined") }
        guard flags >> 6 == 0 else { throw .corrupt("the ALPH chunk's reserved bits are \(flags >> 6), not 0") }
        let data = UnsafeRawBufferPointer(rebasing: payload[1...])
        var plane: [UInt8]
        if method == 0 {
            guard data.count >= width * height else {
                throw .truncated("the raw alpha plane: \(data.count) of its \(width * height) bytes")
            }
            plane = Array(data[0..<(width * height)])
        } else {
            plane = try VP8LImageStream.decode(data, width: width, height: height, isAlphaPlane: true).map { UInt8(truncatingIfNeeded: $0 >> 8) }
        }
        plane.withUnsafeMutableBufferPointer { unfilter($0, width: width, height: height, filter: filter) }
        return plane
    }

    /// Undoes the prediction filter in place, as libwebp does: the first row always predicts
    /// from the left (its first value from 0); the first value of later rows from the value
    /// above; the others, by filter, from the left, from above, or the gradient
    /// `clamp(left + above - aboveLeft)`.
    private static func unfilter(_ plane: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, filter: Int) {
        guard filter != 0 else { return }
        for x in 1..<width { plane[x] &+= plane[x - 1] }
        for y in 1..<height {
            let row = y * width
            plane[row] &+= plane[row - width]
            for x in 1..<width {
                let at = row + x
                switch filter {
                case 1: plane[at] &+= plane[at - 1]
                case 2: plane[at] &+= plane[at - width]
                default:
                    let gradient = Int(plane[at - 1]) + Int(plane[at - width]) - Int(plane[at - width - 1])
                    plane[at] &+= UInt8(min(max(gradient, 0), 255))
                }
            }
        }
    }
}
