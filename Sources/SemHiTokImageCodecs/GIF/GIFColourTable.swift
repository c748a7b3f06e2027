/// A GIF colour table (Spec/gif.md section 3): `2^(n + 1)` R, G, B entries.
struct GIFColourTable {
    /// The entries' bytes, R, G, B each.
    let entries: [UInt8]

    /// The number of entries.
    var count: Int { entries.count / 3 }

    /// Whether entry `i` is `(i, i, i)` for every `i`: Pillow then drops the table and
    /// reads the indices as grey values (Spec/gif.md section 6).
    var isGreyRamp: Bool {
        (0..<count).allSatisfy { entries[3 * $0] == UInt8(truncatingIfNeeded: $0) && entries[3 * $0 + 1] == entries[3 * $0]
            && entries[3 * $0 + 2] == entries[3 * $0] }
    }
}
