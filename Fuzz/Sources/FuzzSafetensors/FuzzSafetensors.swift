import FuzzSupport
import SemHiTok

/// The safetensors reader (Spec/safetensors.md section 4): validation, then every tensor's
/// bytes copied out, so that AddressSanitizer sees any range the checks let past the end,
/// and the sizes the reader guarantees. Mutations get their header length set to where
/// the JSON ends (`SafetensorsRepair`).
@main
enum FuzzSafetensors {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file = try? SafetensorsFile(bytes: Fuzzer.input(data, size), name: "input") else { return 0 }
    for tensor in file.tensors {
        let bytes = Array(file.bytes(of: tensor))
        precondition(bytes.count == tensor.elementCount * tensor.dtype.elementSize, "\(tensor) has the wrong size")
        precondition(file.tensor(tensor.name) == tensor, "\(tensor.name) is not found by name")
    }
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: SafetensorsRepair.repair)
}
