/// Decodes a lossy WebP image, the key frame of a WebP file's `VP8 ` chunk (RFC 6386), to
/// 8-bit RGB with the pixels Pillow gives (Spec/vp8.md): libwebp's reconstruction, its
/// "fancy" chroma upsampling and its fixed-point YUV to RGB conversion.
public enum VP8Decoder {
    /// The RGB image of `frame`, the payload of a `VP8 ` chunk and its padding byte. Throws
    /// `ImageDecodingProblem`.
    public static func decode(_ frame: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try frame.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) -> RGBImage in try decode(raw, limits: limits) }
        }.get()
    }

    /// The RGB image of `frame`, the payload of a `VP8 ` chunk followed by its padding byte
    /// when the chunk's size is odd (Spec/vp8.md section 2): the 10-byte frame tag and
    /// key-frame header, then the partitions. Throws `truncated` when a partition ends
    /// before the macroblocks it must hold, `corrupt` or `unsupported` for a header that
    /// Spec/vp8.md section 4 refuses, and `tooLarge` when the size exceeds `limits`, which
    /// is checked before any pixel memory is allocated.
    public static func decode(_ frame: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        let (width, height) = try VP8FrameHeader.size(of: frame)
        try limits.check(width: width, height: height)
        let header = try VP8FrameHeader(frame)
        let planes = VP8Planes(width: width, height: height)
        var frameDecoder = VP8FrameDecoder(header: header, planes: planes, frame: frame)
        defer { frameDecoder.deallocate() }
        try frameDecoder.decodeMacroblocks()
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        pixels.withUnsafeMutableBufferPointer { out in
            VP8ColourConversion.convert(y: planes.y, yStride: planes.yStride, u: planes.u, v: planes.v, uvStride: planes.uvStride,
                                        width: width, height: height, into: out.baseAddress!)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// The macroblock loop (Spec/vp8.md sections 5 to 8): for each row, the modes from the
/// first partition, then for each macroblock its tokens, prediction and residue, then the
/// loop filter over the row.
struct VP8FrameDecoder {
    private var header: VP8FrameHeader
    private let planes: VP8Planes
    private var tokens: [VP8BoolDecoder]
    private let residuals: VP8Residuals
    private let edgeFilters: [VP8EdgeFilter]
    /// Macroblocks per row.
    private let width: Int

    /// Stride of the work area in which a macroblock is predicted and reconstructed with
    /// its borders: the row above, the column to the left and 4 pixels above-right.
    private static let stride = 32
    private static let lumaOrigin = stride + 8
    private static let uOrigin = 18 * stride + 8
    private static let vOrigin = 18 * stride + 24
    private let work: UnsafeMutablePointer<UInt8>
    /// The unfiltered bottom rows of the macroblock row above, which prediction uses.
    private let aboveY: UnsafeMutablePointer<UInt8>
    private let aboveU: UnsafeMutablePointer<UInt8>
    private let aboveV: UnsafeMutablePointer<UInt8>
    /// Sub-block modes above (4 per macroblock) and to the left (4), as mode contexts.
    private let modesAbove: UnsafeMutablePointer<UInt8>
    private let modesLeft: UnsafeMutablePointer<UInt8>
    /// Non-zero flags above (9 per macroblock) and to the left (9).
    private let nonZeroAbove: UnsafeMutablePointer<UInt8>
    private let nonZeroLeft: UnsafeMutablePointer<UInt8>
    private let coefficients: UnsafeMutablePointer<Int16>
    private let transforms: UnsafeMutablePointer<UInt8>
    /// Per macroblock of the current row: segment, skip flag, sub-block flag, luma mode,
    /// chroma mode, whether inner edges are filtered; and 16 sub-block modes.
    private let rowInfo: UnsafeMutablePointer<UInt8>
    private let rowModes: UnsafeMutablePointer<UInt8>
    private let tables: UnsafeMutablePointer<Int>
    private let probabilities: UnsafeMutablePointer<UInt8>

    init(header: VP8FrameHeader, planes: VP8Planes, frame: UnsafeRawBufferPointer) {
        self.header = header
        self.planes = planes
        width = planes.macroblockWidth
        tokens = header.partitions.map { VP8BoolDecoder(frame, start: $0.start, count: $0.count) }
        edgeFilters = header.filter.level == 0 ? [] : VP8EdgeFilter.table(header.filter, header.segmentation)
        work = .allocate(capacity: 26 * Self.stride)
        work.initialize(repeating: 0, count: 26 * Self.stride)
        aboveY = .allocate(capacity: 16 * width)
        aboveY.initialize(repeating: 0, count: 16 * width)
        aboveU = .allocate(capacity: 8 * width)
        aboveU.initialize(repeating: 0, count: 8 * width)
        aboveV = .allocate(capacity: 8 * width)
        aboveV.initialize(repeating: 0, count: 8 * width)
        modesAbove = .allocate(capacity: 4 * width)
        modesAbove.initialize(repeating: 0, count: 4 * width)
        modesLeft = .allocate(capacity: 4)
        modesLeft.initialize(repeating: 0, count: 4)
        nonZeroAbove = .allocate(capacity: 9 * width)
        nonZeroAbove.initialize(repeating: 0, count: 9 * width)
        nonZeroLeft = .allocate(capacity: 9)
        nonZeroLeft.initialize(repeating: 0, count: 9)
        coefficients = .allocate(capacity: 384)
        coefficients.initialize(repeating: 0, count: 384)
        transforms = .allocate(capacity: 24)
        transforms.initialize(repeating: 0, count: 24)
        rowInfo = .allocate(capacity: 6 * width)
        rowInfo.initialize(repeating: 0, count: 6 * width)
        rowModes = .allocate(capacity: 16 * width)
        rowModes.initialize(repeating: 0, count: 16 * width)
        tables = .allocate(capacity: 33)
        for n in 0..<17 { tables[n] = 33 * VP8Tables.bands[n] }
        for n in 0..<16 { tables[17 + n] = VP8Tables.zigzag[n] }
        probabilities = .allocate(capacity: header.coefficientProbabilities.count)
        for (index, value) in header.coefficientProbabilities.enumerated() { probabilities[index] = value }
        residuals = VP8Residuals(probabilities: probabilities, bandOffsets: tables, zigzag: tables + 17)
    }

    func deallocate() {
        for buffer in [work, aboveY, aboveU, aboveV, modesAbove, modesLeft, nonZeroAbove, nonZeroLeft, transforms, rowInfo,
                       rowModes, probabilities] {
            buffer.deallocate()
        }
        coefficients.deallocate()
        tables.deallocate()
    }

    mutating func decodeMacroblocks() throws(ImageDecodingProblem) {
        let partitionMask = tokens.count - 1
        for row in 0..<planes.macroblockHeight {
            readModes(row: row)
            if header.modes.exhausted {
                throw .truncated("the first partition (the modes of macroblock row \(row))")
            }
            modesLeft.update(repeating: 0, count: 4)
            nonZeroLeft.update(repeating: 0, count: 9)
            var decoder = tokens[row & partitionMask]
            for column in 0..<width {
                let hasCoefficients = readResiduals(&decoder, column: column)
                if decoder.exhausted {
                    throw .truncated("token partition \(row & partitionMask) (macroblock \(column), \(row))")
                }
                let info = rowInfo + 6 * column
                info[5] = info[2] == 1 || hasCoefficients ? 1 : 0
                reconstruct(column: column, row: row, hasCoefficients: hasCoefficients)
            }
            tokens[row & partitionMask] = decoder
            if !edgeFilters.isEmpty { filter(row: row) }
        }
    }

    /// The macroblock headers of one row (RFC 6386 section 19.3): segment, skip flag, luma
    /// modes with their contexts, chroma mode.
    private mutating func readModes(row: Int) {
        let segmentation = header.segmentation
        let skipProbability = header.skipProbability
        modesLeft.update(repeating: 0, count: 4)
        VP8Tables.subBlockModeProbabilities.withUnsafeBufferPointer { modeProbabilities in
            for column in 0..<width {
                let info = rowInfo + 6 * column
                var segment: UInt8 = 0
                if segmentation.updatesMap {
                    let p = segmentation.treeProbabilities
                    segment = !header.modes.bit(p[0]) ? (header.modes.bit(p[1]) ? 1 : 0) : (header.modes.bit(p[2]) ? 3 : 2)
                }
                info[0] = segment
                info[1] = skipProbability.map { header.modes.bit($0) ? 1 : 0 } ?? 0
                let subBlocks = !header.modes.bit(145)
                info[2] = subBlocks ? 1 : 0
                let above = modesAbove + 4 * column
                if !subBlocks {
                    let mode: UInt8 = header.modes.bit(156) ? (header.modes.bit(128) ? 3 : 2) : (header.modes.bit(163) ? 1 : 0)
                    info[3] = mode
                    // The sub-block mode each whole-block mode stands for in later contexts.
                    let context: UInt8 = [0, 2, 3, 1][Int(mode)]
                    above.update(repeating: context, count: 4)
                    modesLeft.update(repeating: context, count: 4)
                } else {
                    let modes = rowModes + 16 * column
                    for y in 0..<4 {
                        var left = Int(modesLeft[y])
                        for x in 0..<4 {
                            let p = modeProbabilities.baseAddress! + 9 * (10 * Int(above[x]) + left)
                            left = readSubBlockMode(p)
                            above[x] = UInt8(left)
                            modes[4 * y + x] = UInt8(left)
                        }
                        modesLeft[y] = UInt8(left)
                    }
                }
                info[4] = !header.modes.bit(142) ? 0 : !header.modes.bit(114) ? 1 : header.modes.bit(183) ? 3 : 2
            }
        }
    }

    /// One sub-block mode by the tree of RFC 6386 section 11.2.
    private mutating func readSubBlockMode(_ p: UnsafePointer<UInt8>) -> Int {
        func bit(_ node: Int) -> Bool { header.modes.bit(UInt32(p[node])) }
        if !bit(0) { return 0 }
        if !bit(1) { return 1 }
        if !bit(2) { return 2 }
        if !bit(3) { return !bit(4) ? 3 : (!bit(5) ? 5 : 6) }
        if !bit(6) { return 4 }
        if !bit(7) { return 7 }
        return !bit(8) ? 8 : 9
    }

    /// The coefficients of one macroblock; whether any block has a residue to add.
    private func readResiduals(_ decoder: inout VP8BoolDecoder, column: Int) -> Bool {
        let info = rowInfo + 6 * column
        let subBlocks = info[2] == 1
        let above = nonZeroAbove + 9 * column
        if info[1] == 1 {
            above.update(repeating: 0, count: 8)
            nonZeroLeft.update(repeating: 0, count: 8)
            if !subBlocks {
                above[8] = 0
                nonZeroLeft[8] = 0
            }
            transforms.update(repeating: 0, count: 24)
            return false
        }
        coefficients.update(repeating: 0, count: 384)
        return residuals.macroblock(&decoder, subBlocks: subBlocks, quantization: header.dequantization[Int(info[0])],
                                    coefficients: coefficients, transforms: transforms, above: above, left: nonZeroLeft)
    }

    /// Prediction plus residue of one macroblock in the work area, then into the planes.
    private func reconstruct(column: Int, row: Int, hasCoefficients: Bool) {
        let stride = Self.stride
        let y = work + Self.lumaOrigin
        let u = work + Self.uOrigin
        let v = work + Self.vOrigin
        if column == 0 {
            for j in 0..<16 { y[j * stride - 1] = 129 }
            for j in 0..<8 {
                u[j * stride - 1] = 129
                v[j * stride - 1] = 129
            }
            if row > 0 {
                y[-stride - 1] = 129
                u[-stride - 1] = 129
                v[-stride - 1] = 129
            } else {
                (y - stride - 1).update(repeating: 127, count: 21)
                (u - stride - 1).update(repeating: 127, count: 9)
                (v - stride - 1).update(repeating: 127, count: 9)
            }
        } else {
            for j in -1..<16 { (y + j * stride - 4).update(from: y + j * stride + 12, count: 4) }
            for j in -1..<8 {
                (u + j * stride - 4).update(from: u + j * stride + 4, count: 4)
                (v + j * stride - 4).update(from: v + j * stride + 4, count: 4)
            }
        }
        if row > 0 {
            (y - stride).update(from: aboveY + 16 * column, count: 16)
            (u - stride).update(from: aboveU + 8 * column, count: 8)
            (v - stride).update(from: aboveV + 8 * column, count: 8)
        }
        let info = rowInfo + 6 * column
        if info[2] == 1 {
            let aboveRight = y - stride + 16
            if row > 0 {
                if column == width - 1 {
                    aboveRight.update(repeating: aboveY[16 * column + 15], count: 4)
                } else {
                    aboveRight.update(from: aboveY + 16 * column + 16, count: 4)
                }
            }
            for k in 1..<4 { (aboveRight + 4 * k * stride).update(from: aboveRight, count: 4) }
            let modes = rowModes + 16 * column
            for n in 0..<16 {
                let block = y + (n >> 2) * 4 * stride + (n & 3) * 4
                VP8IntraPrediction.subBlock(Int(modes[n]), block, stride: stride)
                addResidue(n, to: block)
            }
        } else {
            VP8IntraPrediction.block(Int(info[3]), size: 16, y, stride: stride, hasTop: row > 0, hasLeft: column > 0)
            if hasCoefficients {
                for n in 0..<16 { addResidue(n, to: y + (n >> 2) * 4 * stride + (n & 3) * 4) }
            }
        }
        VP8IntraPrediction.block(Int(info[4]), size: 8, u, stride: stride, hasTop: row > 0, hasLeft: column > 0)
        VP8IntraPrediction.block(Int(info[4]), size: 8, v, stride: stride, hasTop: row > 0, hasLeft: column > 0)
        addChromaResidue(16, to: u)
        addChromaResidue(20, to: v)
        (aboveY + 16 * column).update(from: y + 15 * stride, count: 16)
        (aboveU + 8 * column).update(from: u + 7 * stride, count: 8)
        (aboveV + 8 * column).update(from: v + 7 * stride, count: 8)
        let lumaOut = planes.y + 16 * row * planes.yStride + 16 * column
        for j in 0..<16 { (lumaOut + j * planes.yStride).update(from: y + j * stride, count: 16) }
        let chromaOffset = 8 * row * planes.uvStride + 8 * column
        for j in 0..<8 {
            (planes.u + chromaOffset + j * planes.uvStride).update(from: u + j * stride, count: 8)
            (planes.v + chromaOffset + j * planes.uvStride).update(from: v + j * stride, count: 8)
        }
    }

    /// The residue of luma block `block`: libwebp's SSE2 transform for blocks with tokens
    /// beyond the third position, its exact C arithmetic otherwise.
    @inline(__always)
    private func addResidue(_ block: Int, to pixels: UnsafeMutablePointer<UInt8>) {
        switch transforms[block] {
        case 3: VP8InverseTransform.addDCT(coefficients + 16 * block, to: pixels, stride: Self.stride, sixteenBit: true)
        case 2: VP8InverseTransform.addDCT(coefficients + 16 * block, to: pixels, stride: Self.stride, sixteenBit: false)
        case 1: VP8InverseTransform.addDC(coefficients[16 * block], to: pixels, stride: Self.stride)
        default: break
        }
    }

    /// The residue of the four blocks of a chroma plane from block `first`: all four by the
    /// SSE2 transform when any has an AC token, else each DC alone (libwebp's choice).
    @inline(__always)
    private func addChromaResidue(_ first: Int, to pixels: UnsafeMutablePointer<UInt8>) {
        let anyAC = (first..<(first + 4)).contains { transforms[$0] >= 2 }
        for n in 0..<4 {
            let block = first + n
            let at = pixels + (n >> 1) * 4 * Self.stride + (n & 1) * 4
            if anyAC {
                VP8InverseTransform.addDCT(coefficients + 16 * block, to: at, stride: Self.stride, sixteenBit: true)
            } else if transforms[block] == 1 {
                VP8InverseTransform.addDC(coefficients[16 * block], to: at, stride: Self.stride)
            }
        }
    }

    /// The loop filter over one macroblock row, macroblock by macroblock: left edge, inner
    /// vertical edges, top edge, inner horizontal edges (RFC 6386 section 15.1).
    private func filter(row: Int) {
        let simple = header.filter.simple
        let yStride = planes.yStride
        let uvStride = planes.uvStride
        for column in 0..<width {
            let info = rowInfo + 6 * column
            let strength = edgeFilters[2 * Int(info[0]) + Int(info[2])]
            guard strength.limit > 0 else { continue }
            let inner = info[5] == 1
            let y = planes.y + 16 * row * yStride + 16 * column
            let limit = strength.limit
            if simple {
                func edge(_ p: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ vertical: Bool, _ threshold: Int32) {
                    VP8LoopFilter.simple(p, second, stride: yStride, vertical: vertical, threshold: threshold)
                }
                if column > 0 { edge(y, y + 8 * yStride, true, limit + 4) }
                if inner {
                    for k in 1..<4 { edge(y + 4 * k, y + 4 * k + 8 * yStride, true, limit) }
                }
                if row > 0 { edge(y, y + 8, false, limit + 4) }
                if inner {
                    for k in 1..<4 { edge(y + 4 * k * yStride, y + 4 * k * yStride + 8, false, limit) }
                }
                continue
            }
            let u = planes.u + 8 * row * uvStride + 8 * column
            let v = planes.v + 8 * row * uvStride + 8 * column
            let interior = strength.interiorLimit
            let hev = strength.hevThreshold
            func edge(_ p: UnsafeMutablePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ stride: Int, _ vertical: Bool,
                      _ threshold: Int32, _ outer: Bool) {
                VP8LoopFilter.normal(p, second, stride: stride, vertical: vertical, threshold: threshold, interior: interior,
                                     hevThreshold: hev, macroblockEdge: outer)
            }
            if column > 0 {
                edge(y, y + 8 * yStride, yStride, true, limit + 4, true)
                edge(u, v, uvStride, true, limit + 4, true)
            }
            if inner {
                for k in 1..<4 { edge(y + 4 * k, y + 4 * k + 8 * yStride, yStride, true, limit, false) }
                edge(u + 4, v + 4, uvStride, true, limit, false)
            }
            if row > 0 {
                edge(y, y + 8, yStride, false, limit + 4, true)
                edge(u, v, uvStride, false, limit + 4, true)
            }
            if inner {
                for k in 1..<4 { edge(y + 4 * k * yStride, y + 4 * k * yStride + 8, yStride, false, limit, false) }
                edge(u + 4 * uvStride, v + 4 * uvStride, uvStride, false, limit, false)
            }
        }
    }
}
