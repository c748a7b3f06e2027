import FuzzSupport
import SemHiTok

/// The token file read for random access (Spec/tokens.md section 2.2): the header, the
/// index or the scan without one, then every record through the index. Mutations get
/// their checksums repaired (`TokenFileRepair`).
@main
enum FuzzTokenFile {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file = try? TokenFile(bytes: Fuzzer.input(data, size), name: "input") else { return 0 }
    for index in 0...file.recordCount {
        _ = try? file.record(at: index)
    }
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: TokenFileRepair.repair)
}
