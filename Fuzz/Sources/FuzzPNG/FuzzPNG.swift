import FuzzSupport
import SemHiTok

/// PNG decoding, inflate included (Spec/png.md). Mutations get their chunk CRCs and the
/// zlib Adler-32 repaired (`PNGRepair`).
@main
enum FuzzPNG {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? PNGDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: PNGRepair.repair)
}
