/// Decodes VP8L image streams (Spec/webp.md section 4, RFC 9649): the transforms, the
/// colour cache, the meta prefix codes and the LZ77-coded pixels, with every check libwebp
/// makes.
///
/// Bits are read least significant first. The data is treated as at least 8 bytes long
/// (shorter data is followed by zero bytes, as libwebp's reader holds 64 bits); consuming
/// bits beyond that is *truncated*, whatever else went wrong on the zero bits, except in
/// the last step of a colour-indexed alpha plane, which libwebp decodes by another path
/// (`finishOverrunningStep`).
struct VP8LImageStream {
    private var reader: InflateBitReader
    /// The data `reader` reads (padded to 8 bytes when shorter).
    private let input: UnsafeRawBufferPointer
    /// True for an ALPH chunk's stream, whose colour-indexed planes libwebp decodes by its
    /// 8-bit path.
    private let isAlphaPlane: Bool
    /// Set when the last step read past the data and libwebp's 8-bit path accepts it.
    private var acceptedOverrunningStep = false

    static let greenAlphabetBase = 256 + 24
    static let maximumCacheBits = 11
    private static let codeLengthOrder = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    private static let codeNames = ["green, length and cache code", "red code", "blue code", "alpha code", "distance code"]

    private init(_ data: UnsafeRawBufferPointer, skipping: Int, isAlphaPlane: Bool) {
        reader = InflateBitReader(data)
        input = data
        self.isAlphaPlane = isAlphaPlane
        reader.refill()
        reader.consume(8 * skipping)
    }

    /// The ARGB pixels of the `width` x `height` image stream that starts `skipping` bytes
    /// into `data` (with transforms: a VP8L chunk's payload after its 5-byte header, or an
    /// ALPH chunk's lossless data, `isAlphaPlane`). The 8-byte minimum applies to the whole
    /// of `data`.
    static func decode(_ data: UnsafeRawBufferPointer, skipping: Int = 0, width: Int, height: Int, isAlphaPlane: Bool = false)
        throws(ImageDecodingProblem) -> [UInt32]
    {
        guard data.count < 8 else {
            var stream = VP8LImageStream(data, skipping: skipping, isAlphaPlane: isAlphaPlane)
            return try stream.decodeChecked(width: width, height: height)
        }
        var padded = [UInt8](repeating: 0, count: 8)
        padded.withUnsafeMutableBytes { $0.copyMemory(from: data) }
        return try padded.withUnsafeBytes { padded in
            Result { () throws(ImageDecodingProblem) -> [UInt32] in
                var stream = VP8LImageStream(padded, skipping: skipping, isAlphaPlane: isAlphaPlane)
                return try stream.decodeChecked(width: width, height: height)
            }
        }.get()
    }

    /// Decodes the stream, reporting *truncated* when the reader went past the end at any
    /// point (and so the error, if any, came from the zero bits beyond it), unless in a last
    /// step libwebp accepts.
    private mutating func decodeChecked(width: Int, height: Int) throws(ImageDecodingProblem) -> [UInt32] {
        do throws(ImageDecodingProblem) {
            let pixels = try decodeTopLevel(width: width, height: height)
            guard !reader.overran || acceptedOverrunningStep else { throw .truncated("the VP8L bitstream") }
            return pixels
        } catch {
            if reader.overran { throw .truncated("the VP8L bitstream") }
            throw error
        }
    }

    @inline(__always)
    private mutating func bits(_ count: Int) -> Int {
        reader.refill()
        return reader.take(count)
    }

    // MARK: Image structure

    private mutating func decodeTopLevel(width: Int, height: Int) throws(ImageDecodingProblem) -> [UInt32] {
        var transforms: [VP8LTransform] = []
        var seen = Set<Int>()
        var codedWidth = width
        while bits(1) == 1 {
            let type = bits(2)
            guard seen.insert(type).inserted else {
                throw .corrupt("the \(["predictor", "colour", "subtract-green", "colour-indexing"][type]) transform comes twice")
            }
            switch type {
            case 0, 1:
                let tileBits = bits(3) + 2
                let data = try decodeEntropyCoded(width: VP8LTransform.subsampled(codedWidth, bits: tileBits),
                                                  height: VP8LTransform.subsampled(height, bits: tileBits), allowMetaCodes: false)
                transforms.append(type == 0 ? .predictor(bits: tileBits, modes: data, width: codedWidth)
                                  : .crossColour(bits: tileBits, multipliers: data, width: codedWidth))
            case 2:
                transforms.append(.subtractGreen)
            default:
                let colourCount = bits(8) + 1
                let bundleBits = colourCount > 16 ? 0 : colourCount > 4 ? 1 : colourCount > 2 ? 2 : 3
                let deltas = try decodeEntropyCoded(width: colourCount, height: 1, allowMetaCodes: false)
                var palette = [UInt32](repeating: 0, count: 1 << (8 >> bundleBits))
                palette[0] = deltas[0]
                for index in 1..<colourCount { palette[index] = VP8LTransform.add(deltas[index], palette[index - 1]) }
                transforms.append(.colourIndexing(bits: bundleBits, palette: palette, width: codedWidth))
                codedWidth = VP8LTransform.subsampled(codedWidth, bits: bundleBits)
            }
        }
        var indexedAlpha = false
        if isAlphaPlane, transforms.count == 1, case .colourIndexing = transforms[0] { indexedAlpha = true }
        var pixels = try decodeEntropyCoded(width: codedWidth, height: height, allowMetaCodes: true, indexedAlpha: indexedAlpha)
        for transform in transforms.reversed() { transform.invert(&pixels, height: height) }
        return pixels
    }

    /// An entropy-coded image: the colour cache, the meta prefix codes (only for the main
    /// image) and the pixels. `indexedAlpha`: the main image of an alpha plane whose only
    /// transform is colour indexing.
    private mutating func decodeEntropyCoded(width: Int, height: Int, allowMetaCodes: Bool, indexedAlpha: Bool = false)
        throws(ImageDecodingProblem) -> [UInt32]
    {
        var cacheBits = 0
        if bits(1) == 1 {
            cacheBits = bits(4)
            guard (1...Self.maximumCacheBits).contains(cacheBits) else {
                throw .corrupt("the colour cache has \(cacheBits) bits, 1 to 11 are allowed")
            }
        }
        var metaBits = 0
        var groupOfTile: [Int32] = [0]
        var groupCount = 1
        var denseIndex: [Int32] = [0]
        if allowMetaCodes, bits(1) == 1 {
            metaBits = bits(3) + 2
            let metaImage = try decodeEntropyCoded(width: VP8LTransform.subsampled(width, bits: metaBits),
                                                   height: VP8LTransform.subsampled(height, bits: metaBits), allowMetaCodes: false)
            // Only groups some tile uses get tables, numbered in the order they are read; the
            // others are read and checked only.
            denseIndex = [Int32](repeating: -1, count: 1 << 16)
            for pixel in metaImage {
                let group = Int((pixel >> 8) & 0xFFFF)
                groupCount = max(groupCount, group + 1)
                denseIndex[group] = 0
            }
            var usedCount: Int32 = 0
            for group in 0..<groupCount where denseIndex[group] == 0 {
                denseIndex[group] = usedCount
                usedCount += 1
            }
            groupOfTile = metaImage.map { [denseIndex] in denseIndex[Int(($0 >> 8) & 0xFFFF)] }
        }
        return try decodeGroupsAndPixels(width: width, height: height, cacheBits: cacheBits, metaBits: metaBits,
                                         groupOfTile: groupOfTile, groupCount: groupCount, denseIndex: denseIndex,
                                         indexedAlpha: indexedAlpha)
    }

    private mutating func decodeGroupsAndPixels(width: Int, height: Int, cacheBits: Int, metaBits: Int, groupOfTile: [Int32],
                                                groupCount: Int, denseIndex: [Int32], indexedAlpha: Bool)
        throws(ImageDecodingProblem) -> [UInt32]
    {
        var codes = VP8LPrefixCodes()
        let alphabetSizes = [Self.greenAlphabetBase + (cacheBits > 0 ? 1 << cacheBits : 0), 256, 256, 256, 40]
        var lengths = [UInt8](repeating: 0, count: alphabetSizes[0])
        // libwebp's 8-bit path takes a colour-indexed alpha plane without colour cache whose
        // red, blue and alpha codes take no bits in every group it keeps: all groups, or only
        // those some tile uses when there are more than 1000 or more than pixels.
        var eightBitPath = indexedAlpha && cacheBits == 0
        let keepsEveryGroup = groupCount <= 1000 && groupCount <= width * height
        try lengths.withUnsafeMutableBufferPointer { (lengths) throws(ImageDecodingProblem) in
            for group in 0..<groupCount {
                for (kind, alphabetSize) in alphabetSizes.enumerated() {
                    let singleSymbol = try readPrefixCode(UnsafeMutableBufferPointer(rebasing: lengths[0..<alphabetSize]),
                                                          what: Self.codeNames[kind], into: &codes, keep: denseIndex[group] >= 0)
                    if (1...3).contains(kind), !singleSymbol, keepsEveryGroup || denseIndex[group] >= 0 { eightBitPath = false }
                }
            }
        }
        var pixels = [UInt32](repeating: 0, count: width * height)
        let starts = codes.starts
        let rootBits = codes.rootBits
        try codes.entries.withUnsafeBufferPointer { (entries) throws(ImageDecodingProblem) in
            guard let base = entries.baseAddress else { return }
            let tables = starts.indices.map { VP8LPrefixCodeTable(table: base + Int(starts[$0]), rootBits: Int(rootBits[$0])) }
            try pixels.withUnsafeMutableBufferPointer { (pixels) throws(ImageDecodingProblem) in
                try tables.withUnsafeBufferPointer { (tables) throws(ImageDecodingProblem) in
                    try groupOfTile.withUnsafeBufferPointer { (groupOfTile) throws(ImageDecodingProblem) in
                        try decodePixels(into: pixels, width: width, tables: tables, groupOfTile: groupOfTile, metaBits: metaBits,
                                         cacheBits: cacheBits, eightBitPath: eightBitPath)
                    }
                }
            }
        }
        return pixels
    }

    // MARK: Prefix codes

    /// Reads one prefix code (simple or normal code lengths, RFC 9649) over the
    /// `lengths.count` symbols of its alphabet and appends its table to `codes` when `keep`.
    /// Returns whether the code has a single symbol (and so takes no bits).
    private mutating func readPrefixCode(_ lengths: UnsafeMutableBufferPointer<UInt8>, what: String, into codes: inout VP8LPrefixCodes,
                                         keep: Bool) throws(ImageDecodingProblem) -> Bool {
        lengths.update(repeating: 0)
        if bits(1) == 1 {
            // Simple code: one or two symbols; a symbol beyond the alphabet is ignored.
            let symbolCount = bits(1) + 1
            let first = bits(bits(1) == 0 ? 1 : 8)
            if first < lengths.count { lengths[first] = 1 }
            if symbolCount == 2 {
                let second = bits(8)
                if second < lengths.count { lengths[second] = 1 }
            }
        } else {
            try readCodeLengths(into: lengths, what: what)
        }
        guard !reader.overran else { throw .truncated("the VP8L bitstream") }
        return try codes.append(UnsafeBufferPointer(lengths), what: what, keep: keep)
    }

    /// The code lengths of a normal code, themselves coded with the code-length code.
    private mutating func readCodeLengths(into lengths: UnsafeMutableBufferPointer<UInt8>, what: String) throws(ImageDecodingProblem) {
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        let count = bits(4) + 4
        for index in 0..<count { codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(bits(3)) }
        var codeLengthCode = VP8LPrefixCodes()
        try codeLengthLengths.withUnsafeBufferPointer { (lengths) throws(ImageDecodingProblem) in
            try codeLengthCode.append(lengths, what: "code-length code of the \(what)")
        }
        var remaining = lengths.count
        if bits(1) == 1 {
            let lengthBits = 2 + 2 * bits(3)
            remaining = 2 + bits(lengthBits)
            guard remaining <= lengths.count else {
                throw .corrupt("the \(what) codes \(remaining) lengths, its alphabet has \(lengths.count) symbols")
            }
        }
        try codeLengthCode.entries.withUnsafeBufferPointer { (entries) throws(ImageDecodingProblem) in
            guard let base = entries.baseAddress else { return }
            let table = VP8LPrefixCodeTable(table: base, rootBits: Int(codeLengthCode.rootBits[0]))
            var symbol = 0
            var previous: UInt8 = 8
            while symbol < lengths.count, remaining > 0 {
                remaining -= 1
                reader.refill()
                let code = table.readSymbol(&reader)
                if code < 16 {
                    lengths[symbol] = UInt8(code)
                    symbol += 1
                    if code != 0 { previous = UInt8(code) }
                } else {
                    let repeatCount = bits([2, 3, 7][code - 16]) + [3, 3, 11][code - 16]
                    guard symbol + repeatCount <= lengths.count else {
                        throw .corrupt("a repeated code length of the \(what) runs past its \(lengths.count) symbols")
                    }
                    lengths[symbol..<(symbol + repeatCount)].update(repeating: code == 16 ? previous : 0)
                    symbol += repeatCount
                }
            }
        }
    }

    // MARK: Pixels

    /// The prefix and extra bits of an LZ77 length or distance (RFC 9649).
    @inline(__always)
    private mutating func prefixValue(_ symbol: Int) -> Int {
        if symbol < 4 { return symbol + 1 }
        let extraBits = (symbol - 2) >> 1
        let offset = (2 + (symbol & 1)) << extraBits
        return offset + bits(extraBits) + 1
    }

    /// The 120 short distance codes: `(dy << 4) | (8 - dx)` for the pixel `dy` rows up and
    /// `dx` columns to the left (negative: to the right), RFC 9649's distance map.
    private static let distanceMap: [UInt8] = [
        0x18, 0x07, 0x17, 0x19, 0x28, 0x06, 0x27, 0x29, 0x16, 0x1A, 0x26, 0x2A, 0x38, 0x05, 0x37, 0x39, 0x15, 0x1B, 0x36, 0x3A,
        0x25, 0x2B, 0x48, 0x04, 0x47, 0x49, 0x14, 0x1C, 0x35, 0x3B, 0x46, 0x4A, 0x24, 0x2C, 0x58, 0x45, 0x4B, 0x34, 0x3C, 0x03,
        0x57, 0x59, 0x13, 0x1D, 0x56, 0x5A, 0x23, 0x2D, 0x44, 0x4C, 0x55, 0x5B, 0x33, 0x3D, 0x68, 0x02, 0x67, 0x69, 0x12, 0x1E,
        0x66, 0x6A, 0x22, 0x2E, 0x54, 0x5C, 0x43, 0x4D, 0x65, 0x6B, 0x32, 0x3E, 0x78, 0x01, 0x77, 0x79, 0x53, 0x5D, 0x11, 0x1F,
        0x64, 0x6C, 0x42, 0x4E, 0x76, 0x7A, 0x21, 0x2F, 0x75, 0x7B, 0x31, 0x3F, 0x63, 0x6D, 0x52, 0x5E, 0x00, 0x74, 0x7C, 0x41,
        0x4F, 0x10, 0x20, 0x62, 0x6E, 0x30, 0x73, 0x7D, 0x51, 0x5F, 0x40, 0x72, 0x7E, 0x61, 0x6F, 0x50, 0x71, 0x7F, 0x60, 0x70,
    ]

    /// The distance in pixels of LZ77 distance code `code` in an image `width` wide
    /// (`map`: `distanceMap`, which the decoding loop holds in a local).
    @inline(__always)
    private static func distance(code: Int, width: Int, map: [UInt8]) -> Int {
        if code > 120 { return code - 120 }
        let entry = Int(map[code - 1])
        return max((entry >> 4) * width + 8 - (entry & 0xF), 1)
    }

    /// Decodes the pixels; `eightBitPath`: libwebp decodes them by its colour-indexed alpha
    /// path.
    private mutating func decodePixels(into pixels: UnsafeMutableBufferPointer<UInt32>, width: Int,
                                       tables: UnsafeBufferPointer<VP8LPrefixCodeTable>, groupOfTile: UnsafeBufferPointer<Int32>,
                                       metaBits: Int, cacheBits: Int, eightBitPath: Bool) throws(ImageDecodingProblem) {
        let total = pixels.count
        let tilesPerRow = VP8LTransform.subsampled(width, bits: metaBits)
        let tileMask = metaBits == 0 ? Int.max : (1 << metaBits) - 1
        var cache = [UInt32](repeating: 0, count: cacheBits > 0 ? 1 << cacheBits : 0)
        let cacheShift = UInt32(32 - cacheBits)
        let distanceMap = Self.distanceMap
        try cache.withUnsafeMutableBufferPointer { (cache) throws(ImageDecodingProblem) in
            var position = 0
            var x = 0
            var y = 0
            var cached = 0
            var group = 0
            while position < total {
                if x & tileMask == 0 { group = 5 * Int(groupOfTile[metaBits == 0 ? 0 : (y >> metaBits) * tilesPerRow + (x >> metaBits)]) }
                let stepStart = reader.consumedBits
                reader.refill()
                let green = tables[group].readSymbol(&reader)
                if green < 256 {
                    let red = tables[group + 1].readSymbol(&reader)
                    reader.refill()
                    let blue = tables[group + 2].readSymbol(&reader)
                    let alpha = tables[group + 3].readSymbol(&reader)
                    pixels[position] = UInt32(alpha) << 24 | UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
                    position += 1
                    x += 1
                    if x == width {
                        x = 0
                        y += 1
                    }
                } else if green < Self.greenAlphabetBase {
                    let length = prefixValue(green - 256)
                    reader.refill()
                    let distanceSymbol = tables[group + 4].readSymbol(&reader)
                    let distance = Self.distance(code: prefixValue(distanceSymbol), width: width, map: distanceMap)
                    if reader.overran {
                        try finishOverrunningStep(from: stepStart, at: position, of: pixels, width: width, tables: tables, group: group,
                                                  eightBitPath: eightBitPath)
                        return
                    }
                    guard distance <= position else {
                        throw .corrupt("an LZ77 copy at pixel \(position) reaches back \(distance) pixels")
                    }
                    guard length <= total - position else {
                        throw .corrupt("an LZ77 copy of \(length) pixels at pixel \(position) runs past the image's \(total)")
                    }
                    for offset in position..<(position + length) { pixels[offset] = pixels[offset - distance] }
                    position += length
                    x += length
                    while x >= width {
                        x -= width
                        y += 1
                    }
                    if metaBits != 0, position < total {
                        group = 5 * Int(groupOfTile[(y >> metaBits) * tilesPerRow + (x >> metaBits)])
                    }
                } else {
                    while cached < position {
                        cache[Int((0x1E35_A7BD &* pixels[cached]) >> cacheShift)] = pixels[cached]
                        cached += 1
                    }
                    pixels[position] = cache[green - Self.greenAlphabetBase]
                    position += 1
                    x += 1
                    if x == width {
                        x = 0
                        y += 1
                    }
                }
                if reader.overran {
                    try finishOverrunningStep(from: stepStart, at: position - 1, of: pixels, width: width, tables: tables, group: group,
                                              eightBitPath: eightBitPath)
                    return
                }
            }
        }
    }

    /// Ends the pixels at a step (from stream bit `stepStart`, for pixel `position` on) that
    /// read past the data: *truncated*, unless libwebp's colour-indexed alpha path decodes
    /// them (`eightBitPath`). That path checks for the end only between steps and fails only
    /// when pixels remain, so a last step that completes the image is kept, with the values
    /// its reader gives past the end (`VP8LOverrunReader`); the step's five codes are
    /// `tables[group...]`.
    private mutating func finishOverrunningStep(from stepStart: Int, at position: Int, of pixels: UnsafeMutableBufferPointer<UInt32>,
                                                width: Int, tables: UnsafeBufferPointer<VP8LPrefixCodeTable>, group: Int,
                                                eightBitPath: Bool) throws(ImageDecodingProblem) {
        guard eightBitPath else { throw .truncated("the VP8L bitstream") }
        var step = VP8LOverrunReader(input, at: stepStart)
        // The step starts at or before the end, so refilling the window first changes nothing.
        let green = step.readSymbol(tables[group])
        if green < 256 {
            guard position == pixels.count - 1 else { throw .truncated("the VP8L bitstream") }
            // The red, blue and alpha codes take no bits on this path.
            let red = step.readSymbol(tables[group + 1])
            let blue = step.readSymbol(tables[group + 2])
            let alpha = step.readSymbol(tables[group + 3])
            pixels[position] = UInt32(alpha) << 24 | UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
        } else {
            // Without colour cache every other symbol is an LZ77 length.
            let length = step.prefixValue(green - 256)
            let distanceSymbol = step.readSymbol(tables[group + 4])
            step.fillWindow()
            let distance = Self.distance(code: step.prefixValue(distanceSymbol), width: width, map: Self.distanceMap)
            guard distance <= position, length == pixels.count - position else { throw .truncated("the VP8L bitstream") }
            for offset in position..<pixels.count { pixels[offset] = pixels[offset - distance] }
        }
        acceptedOverrunningStep = true
    }
}
