/// Decodes JPEG files to 8-bit RGB in pure Swift, reproducing what Pillow (libjpeg-turbo
/// with its default settings) followed by `ImageOps.exif_transpose` and a conversion to RGB
/// gives (Spec/jpeg.md).
///
/// Decoded: baseline and extended sequential Huffman (SOF0, SOF1), progressive Huffman
/// (SOF2), lossless Huffman (SOF3) and arithmetic-coded sequential and progressive (SOF9,
/// SOF10) frames with 8-bit samples, one component (grey,
/// replicated to R, G, B), three (YCbCr, or RGB by libjpeg's rules) or four (CMYK or YCCK by
/// the Adobe marker, converted to RGB as Pillow converts them) with sampling factors 1 and
/// 2, restart intervals, several scans (save after a first scan over every component of a
/// sequential or lossless frame, which libjpeg takes as the only one). Refused as `unsupported`: lossless arithmetic
/// coding (SOF11), hierarchical frames, other sample precisions, lossless files in YCbCr or YCCK (libjpeg
/// refuses them too), heights given by a DNL marker. The EXIF orientation is applied.
/// A file without its EOI marker is refused as truncated, as Pillow refuses it, except
/// where Pillow returns the image (a one-pass frame whose scan libjpeg-turbo completed,
/// Spec/jpeg.md section 4.7 item 5).
///
/// Errors are thrown as `ImageDecodingProblem` (typed throws).
public enum JPEGDecoder {
    /// The most scans a file may have. Encoders write at most a few tens; the bound keeps a
    /// hostile file from repeating cheap scans over a large frame without end.
    public static let maximumScanCount = 256

    /// The RGB image in `bytes`, a JPEG file. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ImageDecodingProblem) -> RGBImage in try decode(raw, limits: limits) }
        }.get()
    }

    /// The RGB image in `bytes`, a JPEG file: `height` rows of `width` R, G, B triples after
    /// the EXIF orientation is applied. `limits` bounds the size the frame header may declare,
    /// checked before any pixel memory is allocated. Throws `ImageDecodingProblem`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .standard) throws(ImageDecodingProblem) -> RGBImage {
        guard bytes.count >= 2 else { throw .truncated("the SOI marker") }
        guard bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .corrupt("not a JPEG file: it does not start with the SOI marker FFD8") }
        var markers = JPEGMarkerReader(bytes: bytes, position: 2)
        var quantization = JPEGQuantizationTables()
        var huffman = JPEGHuffmanTables()
        var conditioning = JPEGArithmeticConditioning()
        var application = JPEGApplicationSegments()
        var restartInterval = 0
        var frame: JPEGFrame?
        var storage: [JPEGCoefficientStorage] = []
        // Lossless frames decode straight to samples; `scanned` notes their components' scans.
        var losslessPlanes: JPEGSamplePlanes?
        var scanned: [Bool] = []
        var colorSpace = JPEGColorSpace.grey
        var scanCount = 0
        // Set once libjpeg has emitted every row of a one-pass frame (one sequential or lossless
        // scan over all components), after which Pillow returns the image wherever the file ends.
        var rowsEmitted = false
        // Sequential (or lossless) with a first scan over every component: libjpeg decodes it
        // in one pass and takes any later SOS as an error (Spec/jpeg.md section 2.3).
        var isOnePass = false
        while true {
            do throws(ImageDecodingProblem) {
                let marker = try markers.nextMarker()
                switch marker {
                case 0xD9:
                    guard let frame else { throw .corrupt("the EOI marker comes before any image (no SOF and SOS)") }
                    guard scanCount > 0 else { throw .corrupt("the EOI marker comes before any scan") }
                    if let losslessPlanes {
                        if let missing = scanned.firstIndex(of: false) {
                            throw .corrupt("component \(frame.components[missing].identifier) appears in no scan")
                        }
                        return finish(frame, planes: losslessPlanes, colorSpace: colorSpace, application: application)
                    }
                    return finish(frame, storage: storage, colorSpace: colorSpace, application: application)
                case 0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA:
                    guard frame == nil else { throw .corrupt("a second frame header (SOF marker \(jpegMarkerName(marker)))") }
                    let parsed = try JPEGFrame.parse(markers.segmentPayload("SOF"), isProgressive: marker == 0xC2 || marker == 0xCA,
                                                     isLossless: marker == 0xC3, isArithmetic: marker == 0xC9 || marker == 0xCA,
                                                     limits: limits)
                    frame = parsed
                    if parsed.isLossless {
                        losslessPlanes = JPEGSamplePlanes(parsed)
                        scanned = [Bool](repeating: false, count: parsed.components.count)
                    } else {
                        storage = parsed.components.map { JPEGCoefficientStorage(blocksPerLine: $0.blocksPerLine, blockRows: $0.blockRows) }
                    }
                case 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF:
                    throw .unsupported(unsupportedFrameDescription(marker))
                case 0xC4:
                    try huffman.read(markers.segmentPayload("DHT"))
                case 0xDB:
                    try quantization.read(markers.segmentPayload("DQT"))
                case 0xDD:
                    let payload = try markers.segmentPayload("DRI")
                    guard payload.count == 2 else { throw .corrupt("the DRI segment is \(payload.count) bytes, not 2") }
                    restartInterval = Int(payload[0]) << 8 | Int(payload[1])
                case 0xDA:
                    guard let frame else { throw .corrupt("a scan (SOS marker) comes before the frame header (SOF marker)") }
                    let scan = try JPEGScanHeader.parse(markers.segmentPayload("SOS"), frame: frame)
                    if scanCount == 0 {
                        // The markers that decide it come before the first scan.
                        colorSpace = JPEGColorSpace.of(componentIdentifiers: frame.components.map(\.identifier),
                                                       application: application, isLossless: frame.isLossless)
                        if frame.isLossless, colorSpace == .yCbCr || colorSpace == .ycck {
                            throw .unsupported("lossless JPEG in the \(colorSpace == .ycck ? "YCCK" : "YCbCr") colour space, which libjpeg does not convert in lossless mode")
                        }
                        // libjpeg-turbo's sequential Huffman decoder (not its progressive or
                        // lossless one) fills these.
                        if !frame.isProgressive, !frame.isLossless, !frame.isArithmetic { huffman.fillStandardTables() }
                        isOnePass = !frame.isProgressive && scan.members.count == frame.components.count
                    } else if isOnePass {
                        throw .corrupt("scan \(scanCount + 1) follows a first scan that covers every component of a sequential frame, where EOI must follow")
                    }
                    guard scanCount < maximumScanCount else { throw .unsupported("more than \(maximumScanCount) scans") }
                    scanCount += 1
                    let dataStart = markers.position
                    if let losslessPlanes {
                        for member in scan.members { scanned[member.component] = true }
                        markers.position = try JPEGLosslessScan.decode(
                            scan, frame: frame, planes: losslessPlanes, huffmanTables: huffman, restartInterval: restartInterval,
                            bytes: bytes, position: dataStart, scanNumber: scanCount)
                    } else {
                        for member in scan.members where storage[member.component].quantization == nil {
                            let component = frame.components[member.component]
                            guard let table = quantization.tables[component.quantizationSlot] else {
                                throw .corrupt("component \(component.identifier) uses quantization table \(component.quantizationSlot), which no DQT segment defines")
                            }
                            storage[member.component].quantization = table
                        }
                        if frame.isProgressive {
                            for member in scan.members where scan.spectralStart <= 9 {
                                for zigzag in scan.spectralStart...min(scan.spectralEnd, 9) {
                                    storage[member.component].lastApproximation[zigzag] = scan.approximationLow
                                }
                            }
                        }
                        markers.position = try frame.isArithmetic
                            ? JPEGArithmeticScan.decode(
                                scan, frame: frame, storage: storage, conditioning: conditioning, restartInterval: restartInterval,
                                bytes: bytes, position: dataStart, scanNumber: scanCount)
                            : JPEGScanDecoder.decode(
                                scan, frame: frame, storage: storage, huffmanTables: huffman, restartInterval: restartInterval,
                                bytes: bytes, position: dataStart, scanNumber: scanCount)
                    }
                    // A marker after the data stops libjpeg's reading. Without one, its
                    // arithmetic decoder fails (it cannot wait for data), and its Huffman
                    // decoders may have suspended in the last MCUs for want of bytes they read
                    // ahead.
                    rowsEmitted = isOnePass && (markerFollows(bytes, at: markers.position) || !frame.isArithmetic
                        && JPEGCutScanCheck.completes(scan, frame: frame, huffmanTables: huffman, restartInterval: restartInterval,
                                                      bytes: bytes, position: dataStart))
                case 0xE0...0xEF:
                    let payload = try markers.segmentPayload("APP\(marker - 0xE0)")
                    // Like Pillow and libjpeg, only what comes before the first scan counts.
                    if scanCount == 0 { application.read(marker: marker, payload: payload) }
                case 0xCC:
                    // Read in any file, as libjpeg reads it, so that its errors count everywhere.
                    try conditioning.read(markers.segmentPayload("DAC"))
                case 0xFE, 0xDC:
                    // COM; DNL when the frame header already gave the height: skipped, as libjpeg
                    // skips them.
                    _ = try markers.segmentPayload(jpegMarkerName(marker))
                case 0xD0...0xD7, 0x01:
                    // A restart marker outside entropy-coded data, or TEM: no segment; libjpeg
                    // ignores them.
                    break
                case 0xD8:
                    throw .corrupt("a second SOI marker")
                case 0xDE, 0xDF:
                    throw .unsupported("hierarchical JPEG (marker \(jpegMarkerName(marker)))")
                default:
                    throw .corrupt("unknown marker \(jpegMarkerName(marker))")
                }
            } catch {
                // Spec/jpeg.md section 4.7 item 5: libjpeg then waits for the rest in
                // jpeg_finish_decompress, and Pillow keeps the rows it has.
                guard case .truncated = error, rowsEmitted, let frame else { throw error }
                if let losslessPlanes { return finish(frame, planes: losslessPlanes, colorSpace: colorSpace, application: application) }
                return finish(frame, storage: storage, colorSpace: colorSpace, application: application)
            }
        }
    }

    /// Whether a marker follows `position`, where a scan's data stopped: libjpeg stops
    /// reading the data there, so it has decoded every MCU without reading further.
    private static func markerFollows(_ bytes: UnsafeRawBufferPointer, at position: Int) -> Bool {
        var following = JPEGMarkerReader(bytes: bytes, position: position)
        return (try? following.nextMarker()) != nil
    }

    /// What an SOF marker that is not decoded declares.
    private static func unsupportedFrameDescription(_ marker: UInt8) -> String {
        let name = "SOF\(marker - 0xC0)"
        switch marker {
        case 0xCB: return "lossless JPEG with arithmetic coding (\(name))"
        case 0xCD, 0xCE, 0xCF: return "hierarchical JPEG with arithmetic coding (\(name))"
        default: return "hierarchical JPEG (\(name))"
        }
    }

    /// After the EOI marker of a DCT frame: inverse DCT, upsampling, colour conversion and
    /// orientation.
    private static func finish(_ frame: JPEGFrame, storage: [JPEGCoefficientStorage], colorSpace: JPEGColorSpace,
                               application: JPEGApplicationSegments) -> RGBImage {
        // A component no scan covers keeps zero coefficients and no multipliers (libjpeg
        // allocates its coefficients zeroed and its multipliers as zeros), so its samples
        // are all 128, and no block smoothing applies (Spec/jpeg.md sections 4.2 and 5.3).
        let planes = JPEGSamplePlanes(frame)
        let smoothing = JPEGBlockSmoothing.applies(to: frame, storage: storage)
        for (index, component) in frame.components.enumerated() {
            JPEGInverseDCT.transform(
                storage[index], widthInBlocks: component.widthInBlocks, heightInBlocks: component.heightInBlocks,
                into: planes.plane(index),
                smoothing: smoothing ? JPEGBlockSmoothing(component: component, storage: storage[index], frame: frame) : nil)
        }
        return finish(frame, planes: planes, colorSpace: colorSpace, application: application)
    }

    /// Upsampling, colour conversion and orientation of decoded samples.
    private static func finish(_ frame: JPEGFrame, planes: JPEGSamplePlanes, colorSpace: JPEGColorSpace,
                               application: JPEGApplicationSegments) -> RGBImage {
        let image = JPEGImageAssembler.assemble(frame, planes: planes, colorSpace: colorSpace)
        let orientation = JPEGOrientation.value(exif: application.exif, xmp: application.xmp) ?? 1
        return JPEGOrientation.apply(orientation, to: image)
    }
}
