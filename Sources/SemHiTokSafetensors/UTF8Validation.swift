/// Well-formed UTF-8 as the Unicode Standard defines it (section 3.9, table 3-7): no
/// overlong forms, no encoded surrogates, nothing above U+10FFFF (Spec/safetensors.md
/// section 2).
enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence in `bytes`, or nil
    /// when all of `bytes` is well-formed.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var position = 0
        while position < bytes.count {
            let lead = bytes[position]
            if lead < 0x80 {
                position += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: position) else { return position }
            position += length
        }
        return nil
    }

    /// The length of the well-formed multi-byte sequence that starts at `position`, or nil.
    private static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at position: Int) -> Int? {
        let lead = bytes[position]
        // The range the second byte must be in depends on the lead byte; the rest are
        // always 0x80...0xBF.
        let length: Int
        let second: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard length <= bytes.count - position, second.contains(bytes[position + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[position + offset]) {
            return nil
        }
        return length
    }
}
