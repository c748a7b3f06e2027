/// The element type of a tensor in a weight container (Spec/weights.md section 3).
public enum DType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 1
    case f16 = 2
    case bf16 = 3
    case i32 = 4
    case u8 = 5

    /// Bytes per element.
    public var elementSize: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .u8: 1
        }
    }

    /// The name used in the Spec and by `semhitok inspect`: `f32`, `f16`, `bf16`, `i32`, `u8`.
    public var description: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .bf16: "bf16"
        case .i32: "i32"
        case .u8: "u8"
        }
    }
}
