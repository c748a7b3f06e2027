/// The arithmetic-coding conditioning tables (T.81 B.2.4.3, F.1.4.4; Spec/jpeg.md section
/// 3.3): per DC table slot (0 to 15) the bounds L and U of the difference categories that
/// count as small, per AC table slot the index Kx that splits the magnitude statistics. A
/// DAC segment sets them; libjpeg starts every slot at L = 0, U = 1, Kx = 5.
struct JPEGArithmeticConditioning {
    /// How many table slots arithmetic coding has, for DC and for AC.
    static let slots = 16

    private(set) var dcLower = [Int](repeating: 0, count: slots)
    private(set) var dcUpper = [Int](repeating: 1, count: slots)
    private(set) var acLimit = [Int](repeating: 5, count: slots)

    /// Reads a DAC payload: pairs of `Tc << 4 | Tb` (Tc 0 for DC, 1 for AC; Tb the slot) and
    /// a value (`U << 4 | L` for DC, Kx for AC). Throws `corrupt`, as libjpeg does, for an
    /// odd length, a Tc above 1, or L above U.
    mutating func read(_ payload: UnsafeRawBufferPointer) throws(ImageDecodingProblem) {
        guard payload.count % 2 == 0 else { throw .corrupt("the DAC segment is \(payload.count) bytes, not pairs") }
        for pair in stride(from: 0, to: payload.count, by: 2) {
            let table = Int(payload[pair])
            let value = Int(payload[pair + 1])
            switch table {
            case 0..<Self.slots:
                guard value & 15 <= value >> 4 else {
                    throw .corrupt("the DAC segment gives DC table \(table) L = \(value & 15), above U = \(value >> 4)")
                }
                dcLower[table] = value & 15
                dcUpper[table] = value >> 4
            case Self.slots..<(2 * Self.slots):
                acLimit[table - Self.slots] = value
            default:
                throw .corrupt("the DAC segment names table class \(table >> 4); only 0 (DC) and 1 (AC) exist")
            }
        }
    }
}
