/// The fixed tables of the deflate format (RFC 1951 section 3.2.5 and 3.2.7), shared by
/// the inflater and the compressor (Spec/png.md section 3).
enum DeflateTables {
    /// Shortest match length of each length symbol 257...285, indexed by `symbol - 257`.
    static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
        35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]

    /// Extra bits after each length symbol, indexed by `symbol - 257`.
    static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
        3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    /// Smallest distance of each distance symbol 0...29.
    static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
        257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]

    /// Extra bits after each distance symbol 0...29.
    static let distanceExtraBits: [UInt8] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
        7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// The order in which a dynamic block header lists the code-length code's lengths.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Code lengths of the fixed literal/length code: 8, 9, 7 and 8 bits for symbols
    /// 0-143, 144-255, 256-279 and 280-287.
    static let fixedLiteralLengths: [UInt8] =
        [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112)
        + [UInt8](repeating: 7, count: 24) + [UInt8](repeating: 8, count: 8)

    /// Code lengths of the fixed distance code: 5 bits for all 32 symbols (30 and 31 never
    /// occur in valid data).
    static let fixedDistanceLengths = [UInt8](repeating: 5, count: 32)

    /// Literal/length symbols in use: 0-255 literals, 256 end of block, 257-285 lengths.
    static let literalLengthSymbolCount = 286

    /// Distance symbols in use.
    static let distanceSymbolCount = 30

    /// The longest back-reference distance: the window size.
    static let windowSize = 32_768
}
