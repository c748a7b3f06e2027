/// The rule for tensor names (Spec/safetensors.md section 4, step 6). The safetensors
/// library takes any string; this reader also refuses an empty name, control characters,
/// which would garble messages and listings, and names long enough only to be hostile.
enum SafetensorsName {
    /// The longest name accepted, in bytes of UTF-8.
    static let maximumLength = 1024

    /// Whether `name` is 1 to `maximumLength` bytes of UTF-8 with no control character
    /// (U+0000 to U+001F, U+007F to U+009F).
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maximumLength && !name.unicodeScalars.contains(where: MessageText.isControl)
    }

    /// Whether `left` sorts before `right` by their UTF-8 bytes, the order of the tensor
    /// lists.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
