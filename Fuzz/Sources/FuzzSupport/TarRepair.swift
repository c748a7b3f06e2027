/// Recomputes the checksums of a mutated tar archive's header blocks (Spec/datasets.md
/// section 3.1), walking from header to header by the sizes as far as they read as octal.
public enum TarRepair {
    public static func repair(_ bytes: UnsafeMutableRawBufferPointer) {
        var position = 0
        while bytes.count - position >= 512 {
            let block = UnsafeMutableRawBufferPointer(rebasing: bytes[position..<(position + 512)])
            guard block.contains(where: { $0 != 0 }) else { return }
            for index in 148..<156 { block[index] = UInt8(ascii: " ") }
            let sum = block.reduce(0) { $0 + Int($1) }
            let digits = Array(String(sum, radix: 8).utf8)
            guard digits.count <= 6 else { return }
            for (index, digit) in ((Array(repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits) + [0]).enumerated() {
                block[148 + index] = digit
            }
            var size = 0
            for byte in block[124..<136] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { break }
                size = size * 8 + Int(byte - UInt8(ascii: "0"))
                guard size < 1 << 30 else { return }
            }
            position += 512 + (size + 511) / 512 * 512
        }
    }
}
