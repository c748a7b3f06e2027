import FuzzSupport
import SemHiTok

/// Binary PPM and PGM decoding (Spec/images.md). The format has no checksums to repair.
@main
enum FuzzPPM {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? PPMDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
