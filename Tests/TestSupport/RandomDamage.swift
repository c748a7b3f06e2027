/// A format's own way of damaging a field of `width` bytes at a position (for example a
/// length set to an extreme value), for `tallyDamage`.
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

/// One damaged file of a corruption test.
public struct DamagedFile {
    /// The trial's number, from 0: a test may vary how it repairs or reads the file by it.
    public let trial: Int
    /// The valid file the damage was done to.
    public let original: [UInt8]
    /// The file after the damage and the test's repairs.
    public let bytes: [UInt8]

    /// Whether the file is the original cut short (a proper prefix of it), whatever edits
    /// made it so.
    public var isCut: Bool { bytes.count < original.count && original.starts(with: bytes) }
}

/// What a corruption test makes of a reader's outcome on one damaged file.
public enum DamageVerdict {
    /// An outcome the format's spec allows, named for the tally: for example "accepted" or
    /// the kind of the rejection.
    case allowed(String)
    /// An outcome the spec rules out, described.
    case ruledOut(String)
}

/// The verdicts of a corruption test's trials.
public struct DamageTally {
    /// How many files had each allowed outcome, by its name.
    public fileprivate(set) var allowed: [String: Int] = [:]
    /// Each outcome the spec rules out, with its trial's number.
    public fileprivate(set) var ruledOut: [String] = []
}

/// Runs `trials` seeded trials of a corruption test: each damages one of `originals` (in
/// turn) with `randomlyDamaged`, passes the bytes and the trial's number to `repair` (for
/// example to recompute checksums, so that the damage reaches what they protect), and
/// tallies what `judge` makes of the reader's outcome on the result.
public func tallyDamage(to originals: [[UInt8]], seed: UInt64, trials: Int, fieldEdits: [FieldEdit],
                        repair: (inout [UInt8], Int) -> Void = { _, _ in },
                        judge: (DamagedFile) throws -> DamageVerdict) rethrows -> DamageTally {
    var generator = SplitMix64(seed: seed)
    var tally = DamageTally()
    for trial in 0..<trials {
        let original = originals[trial % originals.count]
        var bytes = randomlyDamaged(original, using: &generator, fieldEdits: fieldEdits)
        repair(&bytes, trial)
        switch try judge(DamagedFile(trial: trial, original: original, bytes: bytes)) {
        case .allowed(let outcome): tally.allowed[outcome, default: 0] += 1
        case .ruledOut(let reason): tally.ruledOut.append("trial \(trial): \(reason)")
        }
    }
    return tally
}

/// The name of the enum case `value` is, without its associated values: how a damage tally
/// names a kind of rejection.
public func caseName(of value: Any) -> String {
    Mirror(reflecting: value).children.first?.label ?? String(describing: value)
}

/// `original` after one to four seeded random edits: a byte flipped, the file cut short,
/// up to 23 random bytes inserted, or one of `fieldEdits` (an insertion where the field
/// would pass the end).
func randomlyDamaged(_ original: [UInt8], using generator: inout SplitMix64, fieldEdits: [FieldEdit]) -> [UInt8] {
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
