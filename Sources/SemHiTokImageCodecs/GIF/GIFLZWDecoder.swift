/// Decodes a GIF image's LZW data into palette indices (Spec/gif.md section 5), with the
/// rules of Pillow's decoder: variable code sizes up to 12 bits, clear codes anywhere, the
/// table frozen when full, and decoding ending as soon as every pixel of the image is
/// written, whatever follows.
struct GIFLZWDecoder {
    /// The number of codes an LZW table holds: codes are at most 12 bits.
    static let tableSize = 4096

    /// Writes the indices of the `frame.width` x `frame.height` image whose data starts at
    /// `frame.dataOffset` of `bytes` into `canvas`, a `canvasWidth`-wide index image that
    /// holds the frame at `frame.left`, `frame.top`.
    static func decode(_ bytes: UnsafeRawBufferPointer, frame: GIFFirstFrame,
                       into canvas: UnsafeMutableBufferPointer<UInt8>, canvasWidth: Int) throws(ImageDecodingProblem) {
        var codes = GIFCodeReader(bytes: bytes, position: frame.dataOffset)
        var rows = GIFRowOrder(height: frame.height, interlaced: frame.interlaced)
        let clear = 1 << frame.minimumCodeSize
        var next = clear + 2
        var codeSize = frame.minimumCodeSize + 1
        var afterClear = true
        var previousCode = 0
        var firstByte: UInt8 = 0
        var prefix = [UInt16](repeating: 0, count: tableSize)
        var suffix = [UInt8](repeating: 0, count: tableSize)
        var string = [UInt8](repeating: 0, count: tableSize + 1)
        var x = 0
        var written = 0
        let total = frame.width * frame.height
        guard let base = canvas.baseAddress else { return }
        var row = base + (frame.top + rows.y) * canvasWidth + frame.left
        try prefix.withUnsafeMutableBufferPointer { (prefix) throws(ImageDecodingProblem) in
            try suffix.withUnsafeMutableBufferPointer { (suffix) throws(ImageDecodingProblem) in
                try string.withUnsafeMutableBufferPointer { (string) throws(ImageDecodingProblem) in
                    guard let characters = string.baseAddress else { return }
                    while true {
                        guard let code = codes.next(size: codeSize) else {
                            throw .truncated("the image data, after \(written) of the image's \(total) pixels")
                        }
                        if code == clear {
                            next = clear + 2
                            codeSize = frame.minimumCodeSize + 1
                            afterClear = true
                            continue
                        }
                        // Pillow reads on after an end code, but only into data it has not read
                        // yet; for a file read whole, an image still incomplete is truncated.
                        if code == clear + 1 {
                            throw .truncated("the image data: the end code comes after \(written) of the image's \(total) pixels")
                        }
                        // The string is built backwards from its end into `string`.
                        var length = 0
                        if afterClear {
                            guard code < clear else {
                                throw .corrupt("LZW code \(code) follows a clear code; only single-pixel codes below \(clear) may")
                            }
                            afterClear = false
                            firstByte = UInt8(truncatingIfNeeded: code)
                        } else {
                            guard code <= next else { throw .corrupt("LZW code \(code) is beyond the table's next code \(next)") }
                            var c = code
                            if code == next {
                                string[string.count - 1 - length] = firstByte
                                length += 1
                                c = previousCode
                            }
                            while c >= clear {
                                guard c < tableSize else { throw .corrupt("LZW code \(c) is beyond the 4096-entry table") }
                                string[string.count - 1 - length] = suffix[c]
                                length += 1
                                c = Int(prefix[c])
                            }
                            firstByte = UInt8(truncatingIfNeeded: c)
                            if next < tableSize {
                                suffix[next] = firstByte
                                prefix[next] = UInt16(previousCode)
                                if next == (1 << codeSize) - 1, codeSize < 12 { codeSize += 1 }
                                next += 1
                            }
                        }
                        previousCode = code
                        string[string.count - 1 - length] = firstByte
                        length += 1
                        // Copied a row's worth at a time: a string may run on into the next rows.
                        var next = string.count - length
                        while next < string.count {
                            let count = min(string.count - next, frame.width - x)
                            (row + x).update(from: characters + next, count: count)
                            next += count
                            x += count
                            written += count
                            if x == frame.width {
                                guard rows.advance() else { return }
                                x = 0
                                row = base + (frame.top + rows.y) * canvasWidth + frame.left
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The order in which a GIF image's rows are stored: top to bottom, or the four interlaced
/// passes (every 8th row from 0, every 8th from 4, every 4th from 2, every 2nd from 1).
struct GIFRowOrder {
    let height: Int
    /// The current row; 0 at first.
    private(set) var y = 0
    private var step: Int
    /// The interlaced pass, 1 to 4; 0 without interlacing.
    private var pass: Int

    init(height: Int, interlaced: Bool) {
        self.height = height
        step = interlaced ? 8 : 1
        pass = interlaced ? 1 : 0
    }

    /// Moves to the next row; false when every row has been visited.
    mutating func advance() -> Bool {
        y += step
        while y >= height {
            switch pass {
            case 1: (y, pass) = (4, 2)
            case 2: (y, step, pass) = (2, 4, 3)
            case 3: (y, step, pass) = (1, 2, 4)
            default: return false
            }
        }
        return true
    }
}

/// Reads LZW codes, least significant bit first, from the data sub-blocks that start at a
/// position: each a length byte and that many bytes. A zero length is an empty sub-block
/// and reading goes on past it, as in Pillow.
struct GIFCodeReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    private var blockRemaining = 0
    private var buffer: UInt32 = 0
    private var bufferedBits = 0

    init(bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// The next code of `size` bits, or nil when the data ends first, or when the next
    /// sub-block is cut short by the end of the data (Pillow reads only whole sub-blocks).
    mutating func next(size: Int) -> Int? {
        while bufferedBits < size {
            if blockRemaining == 0 {
                guard position < bytes.count else { return nil }
                let length = Int(bytes[position])
                guard bytes.count - position - 1 >= length else { return nil }
                blockRemaining = length
                position += 1
                continue
            }
            buffer |= UInt32(bytes[position]) << UInt32(bufferedBits)
            bufferedBits += 8
            position += 1
            blockRemaining -= 1
        }
        let code = Int(buffer & ((1 << UInt32(size)) - 1))
        buffer >>= UInt32(size)
        bufferedBits -= size
        return code
    }
}
