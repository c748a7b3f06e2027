/// Lower-case hexadecimal text for messages and listings: checksums, fingerprints, bit
/// patterns and bytes that are not printable.
public enum Hexadecimal {
    /// `value` as eight digits, zero-padded: `0000abcd`.
    public static func digits(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// `value` as `0x` and eight digits: `0x0000abcd`.
    public static func prefixed(_ value: UInt32) -> String {
        "0x" + digits(value)
    }

    /// Each byte of `bytes` as two digits, without separators.
    public static func digits(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
