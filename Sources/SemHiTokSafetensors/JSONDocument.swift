/// The strict JSON reader (RFC 8259) the safetensors header and shard index are read with
/// (Spec/safetensors.md section 2). Foundation's `JSONSerialization` keeps one of two
/// duplicate keys silently and accepts more than the RFC; this refuses every departure
/// from the grammar, duplicate keys, lone surrogates, numbers beyond `Double`, and deep
/// nesting, and says where.
public enum JSONDocument {
    /// The deepest nesting of arrays and objects accepted: the outermost array or object is
    /// at depth 1. Bounds the parser's recursion on hostile input.
    public static let maximumDepth = 128

    /// Parses `bytes`, which must be one JSON value with optional whitespace (space, tab,
    /// line feed, carriage return) before and after it, in well-formed UTF-8.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(JSONError) in try JSONParser.parseDocument(UnsafeRawBufferPointer(buffer)) }
        }) {
            return try result.get()
        }
        return try Array(bytes).withUnsafeBytes { buffer in
            Result { () throws(JSONError) in try JSONParser.parseDocument(buffer) }
        }.get()
    }
}
