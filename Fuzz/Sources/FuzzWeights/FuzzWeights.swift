import FuzzSupport
import SemHiTok

/// The weight container (Spec/weights.md): validation with the tensor checksums, then what
/// a model loader reads from a valid one: every tensor's values and the model
/// configuration. Mutations get their checksums repaired (`WeightContainerRepair`).
@main
enum FuzzWeights {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file = try? WeightFile(bytes: Fuzzer.input(data, size), name: "input") else { return 0 }
    for tensor in file.tensors {
        switch tensor.dtype {
        case .f32, .f16, .bf16: _ = try? file.floats(tensor.name)
        case .i32: _ = try? file.int32s(tensor.name)
        case .u8: _ = try? file.uint8s(tensor.name)
        }
    }
    _ = try? ModelConfiguration(file)
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: WeightContainerRepair.repair)
}
