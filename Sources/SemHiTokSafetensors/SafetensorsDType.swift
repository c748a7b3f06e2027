/// The element type of a safetensors tensor, spelled as the header's `dtype` strings
/// (Spec/safetensors.md section 3): every type of the safetensors library whose element
/// fills a whole number of bytes. Elements are little-endian.
///
/// The library's three packed types, `F4`, `F6_E2M3` and `F6_E3M2` (4 and 6 bits an
/// element), are not cases: a tensor's bytes then do not split into elements, and the
/// reader refuses them by name (*sub-byte dtype*) rather than as unknown.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case BOOL
    case U8
    case I8
    case F8_E5M2
    case F8_E4M3
    case F8_E8M0
    case F8_E4M3FNUZ
    case F8_E5M2FNUZ
    case I16
    case U16
    case F16
    case BF16
    case I32
    case U32
    case F32
    case C64
    case F64
    case I64
    case U64

    /// The `dtype` strings of the packed types this reader refuses.
    public static let subByteNames: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]

    /// Bytes per element.
    public var elementSize: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3, .F8_E8M0, .F8_E4M3FNUZ, .F8_E5M2FNUZ: 1
        case .I16, .U16, .F16, .BF16: 2
        case .I32, .U32, .F32: 4
        case .C64, .F64, .I64, .U64: 8
        }
    }
}
