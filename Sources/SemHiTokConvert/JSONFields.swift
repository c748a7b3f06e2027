import SemHiTokSafetensors
import SemHiTokSupport

/// The fields of a JSON object from a configuration file (`config.json`,
/// `preprocessor_config.json`), read with strict types (Spec/convert.md section 2): an
/// integer must be written as an integer literal (`256`, not `256.0`), a real as any
/// number, a string as a string. A field left out takes the default the caller gives
/// (transformers writes only the values that differ from its defaults), or is an error.
struct JSONFields {
    /// The file, named in errors.
    let path: String
    /// Where the object is in the file, prefixed to field names in errors (`vision_config.`).
    let scope: String
    /// The object; nil when it is left out, so that every field takes its default.
    let object: JSONObject?

    /// The largest configuration file read: far above any real one.
    static let maximumFileSize = 16 << 20

    /// The top-level object of the JSON file at `path`.
    static func read(_ path: String) throws -> JSONFields {
        let file = try MappedFile(path: path)
        guard file.bytes.count <= maximumFileSize else {
            throw ConvertError(path: path, kind: .fileTooLarge(bytes: file.bytes.count, limit: maximumFileSize))
        }
        let value: JSONValue
        do {
            value = try JSONDocument.parse(file.bytes)
        } catch {
            throw ConvertError(path: path, kind: .invalidJSON("\(error)"))
        }
        guard let object = value.object else {
            throw ConvertError(path: path, kind: .invalidJSON("the top level is \(value.kindName), not an object"))
        }
        return JSONFields(path: path, scope: "", object: object)
    }

    /// Whether the object has the field `key`.
    func has(_ key: String) -> Bool { object?[key] != nil }

    /// The object `key`, or nil when the field is left out.
    func nested(_ key: String) throws -> JSONFields? {
        guard let value = object?[key] else { return nil }
        guard let nested = value.object else { throw wrongKind(key, value, expected: "an object") }
        return JSONFields(path: path, scope: scope + key + ".", object: nested)
    }

    /// The integer `key`, from 1 to 2^24, or `defaultValue` when left out.
    func size(_ key: String, default defaultValue: Int) throws -> Int {
        guard let value = object?[key] else { return defaultValue }
        guard let number = value.number?.int64 else { throw wrongKind(key, value, expected: "an integer") }
        guard (1...(1 << 24)).contains(number) else { throw invalid(key, "\(number) is not a size from 1 to 2^24") }
        return Int(number)
    }

    /// The number `key`, or `defaultValue` when left out.
    func real(_ key: String, default defaultValue: Double) throws -> Double {
        guard let value = object?[key] else { return defaultValue }
        guard let number = value.number else { throw wrongKind(key, value, expected: "a number") }
        return number.double
    }

    /// The string `key`, or `defaultValue` when left out (nil: the field is required).
    func text(_ key: String, default defaultValue: String?) throws -> String {
        guard let value = object?[key] else {
            guard let defaultValue else { throw invalid(key, "missing") }
            return defaultValue
        }
        guard let text = value.string else { throw wrongKind(key, value, expected: "a string") }
        return text
    }

    /// The boolean `key`, or `defaultValue` when left out.
    func flag(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let value = object?[key] else { return defaultValue }
        guard let flag = value.bool else { throw wrongKind(key, value, expected: "true or false") }
        return flag
    }

    /// The array of three numbers `key`, or `defaultValue` when left out.
    func channels(_ key: String, default defaultValue: [Double]) throws -> [Double] {
        guard let value = object?[key] else { return defaultValue }
        let numbers = value.array?.compactMap(\.number) ?? []
        guard value.array?.count == 3, numbers.count == 3 else { throw wrongKind(key, value, expected: "an array of three numbers") }
        return numbers.map(\.double)
    }

    /// An error about the field `key`.
    func invalid(_ key: String, _ detail: String) -> ConvertError {
        ConvertError(path: path, kind: .invalidField(scope + key, detail: detail))
    }

    private func wrongKind(_ key: String, _ value: JSONValue, expected: String) -> ConvertError {
        invalid(key, "\(value.kindName) where \(expected) is needed")
    }
}
