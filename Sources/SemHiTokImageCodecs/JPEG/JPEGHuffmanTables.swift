/// A Huffman table as a DHT segment defines it (T.81 B.2.4.2): how many codes there are of
/// each length 1 to 16, and the symbols in code order.
struct JPEGHuffmanSpecification: Equatable {
    /// `counts[i]` codes of length `i + 1`; 16 entries.
    let counts: [UInt8]
    /// The symbols, as many as the counts add up to (at most 256).
    let symbols: [UInt8]
}

/// The DC and AC Huffman table slots 0 to 3 that DHT segments fill (Spec/jpeg.md section
/// 3.2), with libjpeg-turbo's default for sequential Motion-JPEG style files that omit them.
struct JPEGHuffmanTables {
    /// DC tables by slot; nil until defined.
    private(set) var dc: [JPEGHuffmanSpecification?] = [nil, nil, nil, nil]
    /// AC tables by slot; nil until defined.
    private(set) var ac: [JPEGHuffmanSpecification?] = [nil, nil, nil, nil]

    /// Reads every table in one DHT segment's payload; a later definition of a slot replaces
    /// the earlier one. Throws `corrupt` for a class other than DC (0) or AC (1), a slot
    /// above 3, more than 256 symbols, or a payload that does not hold whole tables.
    mutating func read(_ payload: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        var offset = 0
        while offset < payload.count {
            let tableClass = Int(payload[offset] >> 4)
            let slot = Int(payload[offset] & 0x0F)
            offset += 1
            guard tableClass <= 1 else { throw .corrupt("DHT table class \(tableClass) is neither 0 (DC) nor 1 (AC)") }
            guard slot <= 3 else { throw .corrupt("DHT table slot \(slot) is above 3") }
            guard payload.count - offset >= 16 else { throw .corrupt("the DHT segment ends inside a table's code counts") }
            let counts = (0..<16).map { payload[offset + $0] }
            offset += 16
            let total = counts.reduce(0) { $0 + Int($1) }
            guard total <= 256 else { throw .corrupt("DHT table has \(total) symbols, more than 256") }
            guard payload.count - offset >= total else { throw .corrupt("the DHT segment ends inside a table's symbols") }
            let symbols = (0..<total).map { payload[offset + $0] }
            offset += total
            let table = JPEGHuffmanSpecification(counts: counts, symbols: symbols)
            if tableClass == 0 { dc[slot] = table } else { ac[slot] = table }
        }
    }

    /// Gives slots 0 and 1 that are still undefined the tables of T.81 annex K.3, as
    /// libjpeg-turbo's sequential decoder does when decoding starts (Motion-JPEG frames omit
    /// them): luminance in slot 0, chrominance in slot 1. Called once, at the first SOS of a
    /// sequential frame.
    mutating func fillStandardTables() {
        if dc[0] == nil { dc[0] = JPEGStandardHuffmanTables.luminanceDC }
        if dc[1] == nil { dc[1] = JPEGStandardHuffmanTables.chrominanceDC }
        if ac[0] == nil { ac[0] = JPEGStandardHuffmanTables.luminanceAC }
        if ac[1] == nil { ac[1] = JPEGStandardHuffmanTables.chrominanceAC }
    }
}
