/// A format's own way of damaging a field of `width` bytes at a position (for example a
/// length set to an extreme value), for `randomlyDamaged`.
public struct FieldEdit: Sendable {
    public let width: Int
    public let apply: @Sendable (inout [UInt8], Int, inout SplitMix64) -> Void

    public init(width: Int, apply: @escaping @Sendable (inout [UInt8], Int, inout SplitMix64) -> Void) {
        self.width = width
        self.apply = apply
    }

    /// Writes one of `values` (as `encode` lays it out) at the position.
    public static func oneOf<T: Sendable>(_ values: [T], width: Int, encode: @escaping @Sendable (T) -> [UInt8]) -> FieldEdit {
        FieldEdit(width: width) { bytes, position, generator in
            bytes.replaceSubrange(position..<(position + width), with: encode(values[Int(generator.next() % UInt64(values.count))]))
        }
    }
}

/// `original` after one to four seeded random edits, for corruption tests: a byte flipped,
/// the file cut short, up to 23 random bytes inserted, or one of `fieldEdits` (an insertion
/// where the field would pass the end).
public func randomlyDamaged(_ original: [UInt8], using generator: inout SplitMix64, fieldEdits: [FieldEdit]) -> [UInt8] {
    var bytes = original
    for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
        let position = Int(generator.next() % UInt64(bytes.count))
        let choice = Int(generator.next() % UInt64(3 + fieldEdits.count))
        if choice == 0 {
            bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
        } else if choice == 1 {
            bytes.removeLast(bytes.count - position)
        } else if choice >= 3, position + fieldEdits[choice - 3].width <= bytes.count {
            fieldEdits[choice - 3].apply(&bytes, position, &generator)
        } else {
            let count = Int(generator.next() % 24)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: position)
        }
    }
    return bytes
}
