import FuzzSupport
import SemHiTok

/// WebP decoding (Spec/webp.md): the RIFF container, VP8L and ALPH. The format has no
/// checksums to repair.
@main
enum FuzzWebP {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? WebPDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
