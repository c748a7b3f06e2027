/// Sets the header length of a mutated safetensors file (Spec/safetensors.md section 3) to
/// where its JSON header ends: the byte after the bracket that closes the object opening
/// at byte 8, matched outside strings, and up to 7 spaces after it (the padding the Python
/// library writes). Mutations that grow or shrink the header then reach the JSON parser
/// and the checks after it instead of stopping at the header length. A header that never
/// closes keeps its length.
public enum SafetensorsRepair {
    public static func repair(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count > 8, bytes[8] == UInt8(ascii: "{") else { return }
        var depth = 0
        var inString = false
        var escaped = false
        for position in 8..<bytes.count {
            let byte = bytes[position]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: continue
            }
            if depth == 0 {
                var end = position + 1
                while end < bytes.count, end - position <= 7, bytes[end] == UInt8(ascii: " ") { end += 1 }
                bytes.storeLittleEndian(UInt64(end - 8), at: 0)
                return
            }
        }
    }
}
