import FuzzSupport
import SemHiTok
#if canImport(Glibc)
import Glibc
#endif

/// The token file read as a stream (Spec/tokens.md section 2.4, last paragraph): every
/// record in order, then the index or the torn tail. `TokenStreamReader` reads a path, so
/// each input goes through a scratch file. Mutations get their checksums repaired
/// (`TokenFileRepair`).
@main
enum FuzzTokenStream {
    static func main() {
        atexit { scratch.remove() }
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

let scratch = ScratchFile(name: "token-stream.sht")

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    scratch.hold(Fuzzer.input(data, size))
    guard let reader = try? TokenStreamReader(path: scratch.path) else { return 0 }
    while (try? reader.next()) != nil {}
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: TokenFileRepair.repair)
}
