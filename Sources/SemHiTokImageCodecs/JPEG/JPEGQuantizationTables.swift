/// The four quantization table slots a JPEG file defines with DQT segments (T.81 B.2.4.1,
/// Spec/jpeg.md section 3.1). Each defined table holds 64 multipliers in row-major order
/// within the block (the file lists them in zigzag order).
struct JPEGQuantizationTables {
    /// Slot `i` is nil until a DQT segment defines it.
    private(set) var tables: [[Int32]?] = [nil, nil, nil, nil]

    /// Reads every table in one DQT segment's payload; a later definition of a slot
    /// replaces the earlier one. Throws `corrupt` for a precision other than 8 or 16 bits,
    /// a slot above 3, or a payload that does not hold whole tables.
    mutating func read(_ payload: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        var offset = 0
        while offset < payload.count {
            let precision = Int(payload[offset] >> 4)
            let slot = Int(payload[offset] & 0x0F)
            offset += 1
            guard precision <= 1 else { throw .corrupt("DQT table precision code \(precision) is neither 0 (8-bit) nor 1 (16-bit)") }
            guard slot <= 3 else { throw .corrupt("DQT table slot \(slot) is above 3") }
            let entrySize = precision + 1
            guard payload.count - offset >= 64 * entrySize else {
                throw .corrupt("the DQT segment ends inside table \(slot)")
            }
            var table = [Int32](repeating: 0, count: 64)
            for k in 0..<64 {
                let value = entrySize == 1
                    ? Int32(payload[offset + k])
                    : Int32(payload[offset + 2 * k]) << 8 | Int32(payload[offset + 2 * k + 1])
                table[jpegNaturalOrder[k]] = value
            }
            offset += 64 * entrySize
            tables[slot] = table
        }
    }
}
