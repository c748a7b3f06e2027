import FuzzSupport
import SemHiTok

/// JPEG decoding (Spec/jpeg.md). The format has no checksums to repair.
@main
enum FuzzJPEG {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? JPEGDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
