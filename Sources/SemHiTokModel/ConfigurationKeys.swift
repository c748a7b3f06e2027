import SemHiTokFormats
import SemHiTokQuantization

/// Reading the typed configuration values of Spec/architecture.md section 5. Types are
/// strict: a size stored as `f64` is refused, like any other wrong type.
extension ConfigurationEntries {
    /// The `i64` value `key`, which must be a size from 1 to 2^24.
    func size(_ key: String) throws -> Int {
        let value = try int(key)
        guard (1...(1 << 24)).contains(value) else {
            throw error(.invalidValue(key: key, detail: "\(value) is not a size from 1 to 2^24"))
        }
        return Int(value)
    }

    /// The `i64` value `key`, which must be 0 or 1.
    func flag(_ key: String) throws -> Bool {
        let value = try int(key)
        guard value == 0 || value == 1 else { throw error(.invalidValue(key: key, detail: "\(value) is neither 0 nor 1")) }
        return value == 1
    }

    /// The keys `PREFIX.hidden_size`, `.num_layers`, `.num_heads`, `.layer_norm_eps`.
    func stack(_ prefix: String) throws -> ModelConfiguration.Stack {
        ModelConfiguration.Stack(hiddenSize: try size(prefix + ".hidden_size"), numLayers: Int(try int(prefix + ".num_layers")),
                                 numHeads: try size(prefix + ".num_heads"), layerNormEpsilon: try real(prefix + ".layer_norm_eps"))
    }

    /// The metric named by the string value `key`.
    func metric(_ key: String) throws -> Metric {
        let name = try string(key)
        guard let metric = Metric(rawValue: name) else {
            throw error(.invalidValue(key: key, detail: "'\(name)' is neither cosine nor euclidean"))
        }
        return metric
    }

    /// Checks that `model.architecture` is `expected`, naming what the file is otherwise
    /// (Spec/convert.md section 5 says which commands take which architecture).
    func checkArchitecture(_ expected: ModelArchitecture) throws {
        let found = try ModelArchitecture(self)
        guard found == expected else {
            throw error(.invalidValue(key: "model.architecture",
                                      detail: "this file holds a \(found.title); a \(expected.title) is needed here"))
        }
    }
}
