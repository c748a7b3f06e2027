import FuzzSupport
import SemHiTok

/// Lossy WebP key frames (Spec/vp8.md): the payload of a `VP8 ` chunk. The format has no
/// checksums to repair.
@main
enum FuzzVP8 {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? VP8Decoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
