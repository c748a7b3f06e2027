/// Decodes the blocks of one deflate stream (RFC 1951 section 3.2.3; Spec/png.md section 3)
/// into a fixed output buffer, its Huffman tables in memory the caller provides
/// (`Inflate.tableStorage` words).
struct InflateBlockDecoder {
    let literals: HuffmanDecodingTable
    let distances: HuffmanDecodingTable
    let codeLengths: HuffmanDecodingTable
    let output: UnsafeMutablePointer<UInt8>?
    let capacity: Int
    /// The largest distance the zlib header allows.
    let window: Int
    /// Bytes written so far.
    private(set) var produced = 0

    /// A decoder writing into `output`, its matches reaching back at most `window` bytes,
    /// its tables in `storage`.
    init(storage: UnsafeMutablePointer<UInt16>, output: UnsafeMutableBufferPointer<UInt8>, window: Int) {
        literals = HuffmanDecodingTable(storage: storage, symbolCapacity: 288)
        let second = storage + HuffmanDecodingTable.storageSize(symbolCapacity: 288)
        distances = HuffmanDecodingTable(storage: second, symbolCapacity: 32)
        codeLengths = HuffmanDecodingTable(storage: second + HuffmanDecodingTable.storageSize(symbolCapacity: 32),
                                           symbolCapacity: 19)
        self.output = output.baseAddress
        capacity = output.count
        self.window = window
    }

    /// Decodes blocks up to and including the final one.
    mutating func decodeBlocks(_ reader: inout InflateBitReader) throws(ImageDecodingProblem) {
        var final = false
        while !final {
            reader.refill()
            final = reader.take(1) == 1
            switch reader.take(2) {
            case 0:
                try copyStoredBlock(&reader)
            case 1:
                try DeflateTables.fixedLiteralLengths.withUnsafeBufferPointer { (lengths) throws(ImageDecodingProblem) in
                    try literals.build(lengths, kind: .literalLength)
                }
                try DeflateTables.fixedDistanceLengths.withUnsafeBufferPointer { (lengths) throws(ImageDecodingProblem) in
                    try distances.build(lengths, kind: .distance)
                }
                try decodeHuffmanBlock(&reader)
            case 2:
                try readDynamicCodes(&reader)
                try decodeHuffmanBlock(&reader)
            default:
                throw .corrupt("deflate block type 3 is reserved")
            }
        }
    }

    /// Copies a stored block's bytes after checking its length against its complement.
    private mutating func copyStoredBlock(_ reader: inout InflateBitReader) throws(ImageDecodingProblem) {
        reader.alignToByte()
        let start = reader.bytePosition
        guard reader.count - start >= 4 else { throw .truncated("a stored block's header") }
        reader.refill()
        let length = reader.take(16)
        let complement = reader.take(16)
        guard length == complement ^ 0xFFFF else {
            throw .corrupt("a stored block's length \(length) does not match its complement")
        }
        guard reader.count - start - 4 >= length else { throw .truncated("a stored block") }
        guard capacity - produced >= length else { throw tooMuchData() }
        if length > 0, let output {
            reader.copyBytes(from: start + 4, count: length, to: output + produced)
        }
        produced += length
        reader.restart(at: start + 4 + length)
    }

    /// Reads a dynamic block's code lengths (RFC 1951 section 3.2.7) and builds its
    /// literal/length and distance tables.
    private mutating func readDynamicCodes(_ reader: inout InflateBitReader) throws(ImageDecodingProblem) {
        reader.refill()
        let literalCount = reader.take(5) + 257
        let distanceCount = reader.take(5) + 1
        let codeLengthCount = reader.take(4) + 4
        guard literalCount <= DeflateTables.literalLengthSymbolCount else {
            throw .corrupt("a dynamic block declares \(literalCount) literal/length codes (at most 286)")
        }
        guard distanceCount <= DeflateTables.distanceSymbolCount else {
            throw .corrupt("a dynamic block declares \(distanceCount) distance codes (at most 30)")
        }
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            reader.refill()
            codeLengthLengths[DeflateTables.codeLengthOrder[index]] = UInt8(reader.take(3))
        }
        try codeLengthLengths.withUnsafeBufferPointer { (buffer) throws(ImageDecodingProblem) in
            try codeLengths.build(buffer, kind: .codeLength)
        }
        var index = 0
        while index < lengths.count {
            reader.refill()
            let symbol = try decodeSymbol(&reader, codeLengths)
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            let repeated: UInt8
            let count: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .corrupt("a code-length repeat has no previous length") }
                repeated = lengths[index - 1]
                count = 3 + reader.take(2)
            case 17:
                repeated = 0
                count = 3 + reader.take(3)
            default:
                repeated = 0
                count = 11 + reader.take(7)
            }
            guard lengths.count - index >= count else { throw .corrupt("code-length repeats run past the last code") }
            for offset in 0..<count { lengths[index + offset] = repeated }
            index += count
        }
        guard lengths[256] != 0 else { throw .corrupt("the end-of-block symbol has no code") }
        try lengths.withUnsafeBufferPointer { (buffer) throws(ImageDecodingProblem) in
            try literals.build(UnsafeBufferPointer(rebasing: buffer[..<literalCount]), kind: .literalLength)
            try distances.build(UnsafeBufferPointer(rebasing: buffer[literalCount...]), kind: .distance)
        }
    }

    /// Decodes literals and matches until the end-of-block symbol.
    private mutating func decodeHuffmanBlock(_ reader: inout InflateBitReader) throws(ImageDecodingProblem) {
        guard let output else {
            // An empty output buffer: the first literal or match is one byte too many.
            reader.refill()
            let symbol = try decodeSymbol(&reader, literals)
            guard symbol == 256 else { throw tooMuchData() }
            return
        }
        let capacity = self.capacity
        let window = self.window
        var produced = self.produced
        defer { self.produced = produced }
        try DeflateTables.lengthBase.withUnsafeBufferPointer { (lengthBase) throws(ImageDecodingProblem) in
        try DeflateTables.lengthExtraBits.withUnsafeBufferPointer { (lengthExtra) throws(ImageDecodingProblem) in
        try DeflateTables.distanceBase.withUnsafeBufferPointer { (distanceBase) throws(ImageDecodingProblem) in
        try DeflateTables.distanceExtraBits.withUnsafeBufferPointer { (distanceExtra) throws(ImageDecodingProblem) in
            while true {
                // 56 bits cover the longest symbol: 15 + 5 length bits, 15 + 13 distance bits.
                reader.refill()
                let symbol = try decodeSymbol(&reader, literals)
                if symbol < 256 {
                    guard produced < capacity else { throw tooMuchData() }
                    output[produced] = UInt8(truncatingIfNeeded: symbol)
                    produced += 1
                    continue
                }
                if symbol == 256 { return }
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else { throw .corrupt("literal/length symbol \(symbol) is not allowed") }
                let length = Int(lengthBase[lengthIndex]) + reader.take(Int(lengthExtra[lengthIndex]))
                let distanceSymbol = try decodeSymbol(&reader, distances)
                guard distanceSymbol < 30 else { throw .corrupt("distance symbol \(distanceSymbol) is not allowed") }
                let distance = Int(distanceBase[distanceSymbol]) + reader.take(Int(distanceExtra[distanceSymbol]))
                guard distance <= produced else {
                    throw .corrupt("a match reaches back \(distance) bytes, before the start of the data")
                }
                guard distance <= window else {
                    throw .corrupt("a match reaches back \(distance) bytes, beyond the \(window)-byte window")
                }
                guard capacity - produced >= length else { throw tooMuchData() }
                copyMatch(output + produced, distance: distance, length: length, room: capacity - produced)
                produced += length
                guard reader.padding == 0 || !reader.overran else { throw .truncated("the zlib stream") }
            }
        }
        }
        }
        }
    }

    /// Copies `length` bytes from `distance` bytes back to `destination`, with `room`
    /// writable bytes from `destination` on. Overlapping copies repeat the pattern, as the
    /// format requires.
    @inline(__always)
    private func copyMatch(_ destination: UnsafeMutablePointer<UInt8>, distance: Int, length: Int, room: Int) {
        let source = destination - distance
        if distance >= 8 && room - length >= 8 {
            // Eight bytes at a time; the last word may write up to seven bytes past the
            // match, inside the buffer, which later output overwrites.
            var offset = 0
            while offset < length {
                let word = UnsafeRawPointer(source + offset).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(destination + offset).storeBytes(of: word, as: UInt64.self)
                offset += 8
            }
        } else {
            for offset in 0..<length { destination[offset] = source[offset] }
        }
    }

    /// The next symbol of `table`'s code; the reader holds at least 15 bits.
    @inline(__always)
    private func decodeSymbol(_ reader: inout InflateBitReader, _ table: HuffmanDecodingTable) throws(ImageDecodingProblem) -> Int {
        let entry = Int(table.fast[Int(reader.buffer & HuffmanDecodingTable.fastMask)])
        if entry != 0 {
            reader.consume(entry & 15)
            return entry >> 4
        }
        guard let long = table.decodeLong(reader.buffer) else { throw .corrupt("invalid Huffman code") }
        reader.consume(long & 15)
        return long >> 4
    }

    /// The error for output beyond the buffer.
    private func tooMuchData() -> ImageDecodingProblem {
        .corrupt("the zlib stream holds more than the \(capacity) bytes expected")
    }
}
