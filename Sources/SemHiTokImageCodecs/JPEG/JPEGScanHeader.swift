/// A scan header (SOS, T.81 B.2.3): which components the scan codes, with which Huffman
/// tables, and for progressive frames which coefficients and bits (Spec/jpeg.md section 2.3).
struct JPEGScanHeader {
    /// One component of the scan.
    struct Member {
        /// Index of the component in the frame.
        let component: Int
        /// DC and AC Huffman table slots (checked only where the scan uses them).
        let dcSlot: Int
        let acSlot: Int
    }

    /// The scan's components, in the order their blocks appear in an MCU.
    let members: [Member]
    /// Spectral selection start and end (Ss, Se), zigzag indices.
    let spectralStart: Int
    let spectralEnd: Int
    /// Successive approximation: the bit position of the previous scan of these
    /// coefficients (Ah, 0 for a first scan) and of this one (Al).
    let approximationHigh: Int
    let approximationLow: Int

    /// Whether the scan codes DC coefficients (progressive frames: Ss = 0).
    var isDCScan: Bool { spectralStart == 0 }

    /// Which coding procedure the scan follows in a DCT frame.
    func kind(isProgressive: Bool) -> JPEGScanKind {
        guard isProgressive else { return .sequential }
        if isDCScan { return approximationHigh == 0 ? .dcFirst : .dcRefinement }
        return approximationHigh == 0 ? .acFirst : .acRefinement
    }

    /// Parses an SOS payload against `frame`. Throws `corrupt` for a malformed header, a
    /// component the frame does not have or that appears twice, an MCU of more than 10
    /// blocks, or (progressive frames) spectral selection or successive approximation
    /// parameters that T.81 G.1.1.1.1 forbids. For sequential frames Ss, Se, Ah and Al are
    /// ignored, as libjpeg ignores them; lossless frames need the parameters of T.81 H.1.1.
    static func parse(_ payload: UnsafeRawBufferPointer, frame: JPEGFrame) throws(ImageDecodingProblem) -> JPEGScanHeader {
        guard payload.count >= 1 else { throw .corrupt("the SOS segment is empty") }
        let count = Int(payload[0])
        guard (1...4).contains(count) else { throw .corrupt("the scan has \(count) components; T.81 allows 1 to 4") }
        guard payload.count == 4 + 2 * count else {
            throw .corrupt("the SOS segment is \(payload.count) bytes; \(count) components need \(4 + 2 * count)")
        }
        var members: [Member] = []
        for index in 0..<count {
            let identifier = payload[1 + 2 * index]
            guard let component = frame.components.firstIndex(where: { $0.identifier == identifier }) else {
                throw .corrupt("the scan refers to component \(identifier), which the frame does not have")
            }
            guard !members.contains(where: { $0.component == component }) else {
                throw .corrupt("the scan lists component \(identifier) twice")
            }
            let tables = payload[2 + 2 * index]
            members.append(Member(component: component, dcSlot: Int(tables >> 4), acSlot: Int(tables & 0x0F)))
        }
        if count > 1 {
            let blocks = members.reduce(0) {
                $0 + frame.components[$1.component].horizontalSampling * frame.components[$1.component].verticalSampling
            }
            guard blocks <= 10 else { throw .corrupt("the scan's MCU has \(blocks) blocks; T.81 allows at most 10") }
        }
        let start = Int(payload[1 + 2 * count])
        let end = Int(payload[2 + 2 * count])
        let high = Int(payload[3 + 2 * count] >> 4)
        let low = Int(payload[3 + 2 * count] & 0x0F)
        let header = JPEGScanHeader(members: members, spectralStart: start, spectralEnd: end,
                                    approximationHigh: high, approximationLow: low)
        if frame.isProgressive { try header.checkProgression() }
        if frame.isLossless { try header.checkLossless() }
        return header
    }

    /// The checks libjpeg makes on a lossless scan (T.81 H.1.1 and H.2.2): Ss is the
    /// predictor, 1 to 7; Se and Ah are 0; Al, the point transform, is below the 8-bit
    /// precision.
    private func checkLossless() throws(ImageDecodingProblem) {
        guard (1...7).contains(spectralStart), spectralEnd == 0, approximationHigh == 0, approximationLow < 8 else {
            throw .corrupt("lossless scan with Ss \(spectralStart), Se \(spectralEnd), Ah \(approximationHigh), "
                           + "Al \(approximationLow): need a predictor Ss of 1 to 7, Se 0, Ah 0 and Al below 8")
        }
    }

    /// The checks of T.81 G.1.1.1.1 that libjpeg makes fatal.
    private func checkProgression() throws(ImageDecodingProblem) {
        let parameters = "Ss \(spectralStart), Se \(spectralEnd), Ah \(approximationHigh), Al \(approximationLow)"
        if isDCScan {
            guard spectralEnd == 0 else { throw .corrupt("progressive DC scan with \(parameters): Se must be 0") }
        } else {
            guard spectralStart <= spectralEnd, spectralEnd <= 63 else {
                throw .corrupt("progressive AC scan with \(parameters): need 1 <= Ss <= Se <= 63")
            }
            guard members.count == 1 else {
                throw .corrupt("progressive AC scan with \(members.count) components; AC scans code one component")
            }
        }
        guard approximationHigh == 0 || approximationLow == approximationHigh - 1 else {
            throw .corrupt("progressive scan with \(parameters): a refinement scan must have Al = Ah - 1")
        }
        guard approximationLow <= 13 else { throw .corrupt("progressive scan with \(parameters): Al above 13") }
    }
}

/// The coding procedure of a scan of a DCT frame (T.81 F.1, G.1).
enum JPEGScanKind {
    case sequential, dcFirst, dcRefinement, acFirst, acRefinement

    /// Whether the scan decodes DC coefficients from DC tables (statistics, in arithmetic
    /// coding): sequential and first DC scans.
    var usesDCTables: Bool { self == .sequential || self == .dcFirst }
    /// Whether it decodes AC coefficients with AC tables: sequential and every AC scan.
    var usesACTables: Bool { self == .sequential || self == .acFirst || self == .acRefinement }
}
