import FuzzSupport
import SemHiTok

/// GIF decoding (Spec/gif.md). The format has no checksums to repair.
@main
enum FuzzGIF {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? GIFDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
