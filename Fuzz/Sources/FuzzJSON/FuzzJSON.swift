import FuzzSupport
import SemHiTok

/// The strict JSON reader (Spec/safetensors.md section 2) on any bytes, then every number
/// of a document it accepts read both ways: the parser promises each is finite.
@main
enum FuzzJSON {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let document = try? JSONDocument.parse(Fuzzer.input(data, size)) else { return 0 }
    checkNumbers(document)
    return 0
}

private func checkNumbers(_ value: JSONValue) {
    switch value {
    case .number(let number):
        precondition(number.double.isFinite, "\(number.text) was accepted but is not finite")
        // An integer literal has no leading zeros, so its value prints back as the literal
        // (but for -0).
        if let integer = number.int64 {
            precondition(String(integer) == number.text || number.text == "-0", "\(number.text) read as \(integer)")
        }
    case .array(let elements):
        elements.forEach(checkNumbers)
    case .object(let object):
        object.members.forEach { checkNumbers($0.value) }
    case .null, .bool, .string:
        break
    }
}
