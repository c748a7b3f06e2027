/// One image component as the frame header declares it (T.81 B.2.2), with the sizes that
/// follow from the frame's sampling factors (T.81 A.1.1, Spec/jpeg.md section 2.2).
struct JPEGComponent {
    /// The identifier scans refer to it by.
    let identifier: UInt8
    /// Horizontal and vertical sampling factors, 1 or 2.
    let horizontalSampling: Int
    let verticalSampling: Int
    /// The quantization table slot, 0 to 3.
    let quantizationSlot: Int
    /// Samples per line and lines: `ceil(width * h / hMax)` and `ceil(height * v / vMax)`.
    let width: Int
    let height: Int
    /// Data units (8 x 8 blocks, or single samples in lossless frames) that hold samples:
    /// `ceil(width / unit)` by `ceil(height / unit)`. A scan with this component alone codes
    /// exactly these.
    let widthInBlocks: Int
    let heightInBlocks: Int
    /// Data units in the frame's MCU grid: `mcusPerLine * h` by `mcuRows * v`. Interleaved
    /// scans code all of them; the coefficient storage has this size.
    let blocksPerLine: Int
    let blockRows: Int
}

/// A frame header (SOF0, SOF1, SOF2, SOF3, SOF9 or SOF10; T.81 B.2.2) and the MCU grid it
/// implies.
struct JPEGFrame {
    /// Whether the frame is progressive (SOF2, SOF10) rather than sequential (SOF0, SOF1, SOF9).
    let isProgressive: Bool
    /// Whether the frame is lossless (SOF3, T.81 annex H): its data units are single samples.
    let isLossless: Bool
    /// Whether its scans are arithmetic-coded (SOF9, SOF10; T.81 annex D).
    let isArithmetic: Bool
    /// Image size in pixels.
    let width: Int
    let height: Int
    /// The components in frame order: 1 (grey), 3 or 4.
    let components: [JPEGComponent]
    /// The largest sampling factors over the components.
    let maximumHorizontalSampling: Int
    let maximumVerticalSampling: Int
    /// MCUs of an interleaved scan: `ceil(width / (unit hMax))` by `ceil(height / (unit vMax))`.
    let mcusPerLine: Int
    let mcuRows: Int

    /// The side of a data unit in samples: 8 (DCT blocks), or 1 in lossless frames.
    var dataUnit: Int { isLossless ? 1 : 8 }

    /// Parses the payload of a SOF0, SOF1, SOF2, SOF3, SOF9 or SOF10 segment and checks the
    /// size against `limits` before anything is allocated. Throws `unsupported` for a sample
    /// precision other than 8 bits, a component count other than 1, 3 or 4, sampling factors
    /// 3 or 4, or a height left to a DNL marker; `tooLarge` beyond the limits; `corrupt`
    /// otherwise.
    static func parse(_ payload: UnsafeRawBufferPointer, isProgressive: Bool, isLossless: Bool, isArithmetic: Bool,
                      limits: ImageLimits) throws(ImageDecodingProblem) -> JPEGFrame {
        guard payload.count >= 6 else { throw .corrupt("the SOF segment is \(payload.count) bytes, too short for a frame header") }
        let precision = Int(payload[0])
        guard precision == 8 else { throw .unsupported("\(precision)-bit samples; only 8-bit JPEG is decoded") }
        let height = Int(payload[1]) << 8 | Int(payload[2])
        let width = Int(payload[3]) << 8 | Int(payload[4])
        let count = Int(payload[5])
        switch count {
        case 1, 3, 4: break
        case 0: throw .corrupt("the frame has no components")
        default: throw .unsupported("\(count)-component JPEG; only 1-, 3- and 4-component images are decoded")
        }
        guard payload.count == 6 + 3 * count else {
            throw .corrupt("the SOF segment is \(payload.count) bytes; \(count) components need \(6 + 3 * count)")
        }
        guard height != 0 else { throw .unsupported("a frame height of 0 (the height given later by a DNL marker)") }
        try limits.check(width: width, height: height)

        var declared: [(identifier: UInt8, h: Int, v: Int, slot: Int)] = []
        for index in 0..<count {
            let identifier = payload[6 + 3 * index]
            let h = Int(payload[7 + 3 * index] >> 4)
            let v = Int(payload[7 + 3 * index] & 0x0F)
            let slot = Int(payload[8 + 3 * index])
            guard (1...4).contains(h), (1...4).contains(v) else {
                throw .corrupt("component \(identifier) has sampling factors \(h) x \(v); T.81 allows 1 to 4")
            }
            guard h <= 2, v <= 2 else {
                throw .unsupported("component \(identifier) has sampling factors \(h) x \(v); only 1 and 2 are decoded")
            }
            guard slot <= 3 else { throw .corrupt("component \(identifier) uses quantization table \(slot), above 3") }
            guard !declared.contains(where: { $0.identifier == identifier }) else {
                throw .corrupt("two components have the identifier \(identifier)")
            }
            declared.append((identifier, h, v, slot))
        }
        let hMax = declared.map(\.h).max() ?? 1
        let vMax = declared.map(\.v).max() ?? 1
        let unit = isLossless ? 1 : 8
        let mcusPerLine = (width + unit * hMax - 1) / (unit * hMax)
        let mcuRows = (height + unit * vMax - 1) / (unit * vMax)
        let components = declared.map { item in
            let componentWidth = (width * item.h + hMax - 1) / hMax
            let componentHeight = (height * item.v + vMax - 1) / vMax
            return JPEGComponent(
                identifier: item.identifier, horizontalSampling: item.h, verticalSampling: item.v,
                quantizationSlot: item.slot, width: componentWidth, height: componentHeight,
                widthInBlocks: (componentWidth + unit - 1) / unit, heightInBlocks: (componentHeight + unit - 1) / unit,
                blocksPerLine: mcusPerLine * item.h, blockRows: mcuRows * item.v)
        }
        return JPEGFrame(
            isProgressive: isProgressive, isLossless: isLossless, isArithmetic: isArithmetic, width: width, height: height, components: components,
            maximumHorizontalSampling: hMax, maximumVerticalSampling: vMax,
            mcusPerLine: mcusPerLine, mcuRows: mcuRows)
    }
}
