/// A configuration value in a weight container's header (Spec/weights.md section 3):
/// an integer, a real, a string, or an array of integers or of reals.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int64)
    case real(Double)
    case string(String)
    case ints([Int64])
    case reals([Double])

    /// The value type code stored in the file.
    var typeCode: UInt8 {
        switch self {
        case .int: 1
        case .real: 2
        case .string: 3
        case .ints: 4
        case .reals: 5
        }
    }

    /// The name of the value's type, for messages: `i64`, `f64`, `string`, `i64[]`, `f64[]`.
    public var typeName: String {
        switch self {
        case .int: "i64"
        case .real: "f64"
        case .string: "string"
        case .ints: "i64[]"
        case .reals: "f64[]"
        }
    }

    /// The value as `semhitok inspect` prints it: reals in the shortest form that reads back
    /// exactly, strings quoted.
    public var description: String {
        switch self {
        case .int(let value): "\(value)"
        case .real(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .ints(let values): "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
        case .reals(let values): "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }
}
