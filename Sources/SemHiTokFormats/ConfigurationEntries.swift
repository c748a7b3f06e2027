/// Configuration entries (Spec/weights.md section 3) read with their types: a weight
/// container's, or entries gathered before a container is written (`semhitok convert`
/// checks a model's configuration before it writes anything). Types are strict: reading a
/// key as another type than it has is an error, never a conversion.
public protocol ConfigurationEntries {
    /// The file the entries belong to, named in errors.
    var path: String { get }
    /// The entries, keyed by name.
    var config: [String: ConfigValue] { get }
}

extension ConfigurationEntries {
    /// The integer configuration value `key`.
    public func int(_ key: String) throws -> Int64 {
        switch try value(key) {
        case .int(let value): return value
        case let other: throw wrongType(key, expected: "i64", found: other)
        }
    }

    /// The real configuration value `key`.
    public func real(_ key: String) throws -> Double {
        switch try value(key) {
        case .real(let value): return value
        case let other: throw wrongType(key, expected: "f64", found: other)
        }
    }

    /// The string configuration value `key`.
    public func string(_ key: String) throws -> String {
        switch try value(key) {
        case .string(let value): return value
        case let other: throw wrongType(key, expected: "string", found: other)
        }
    }

    /// The integer-array configuration value `key`.
    public func intArray(_ key: String) throws -> [Int64] {
        switch try value(key) {
        case .ints(let values): return values
        case let other: throw wrongType(key, expected: "i64[]", found: other)
        }
    }

    /// The real-array configuration value `key`.
    public func realArray(_ key: String) throws -> [Double] {
        switch try value(key) {
        case .reals(let values): return values
        case let other: throw wrongType(key, expected: "f64[]", found: other)
        }
    }

    /// An error about this file.
    public func error(_ kind: WeightFileError.Kind) -> WeightFileError {
        WeightFileError(path: path, kind: kind)
    }

    private func value(_ key: String) throws -> ConfigValue {
        guard let value = config[key] else { throw error(.missingKey(key)) }
        return value
    }

    private func wrongType(_ key: String, expected: String, found: ConfigValue) -> WeightFileError {
        error(.wrongValueType(key: key, expected: expected, found: found.typeName))
    }
}

/// Configuration entries not (yet) in a file: `path` names where they come from.
public struct ConfigurationDraft: ConfigurationEntries, Sendable {
    public let path: String
    public let config: [String: ConfigValue]

    public init(path: String, config: [String: ConfigValue]) {
        self.path = path
        self.config = config
    }
}
