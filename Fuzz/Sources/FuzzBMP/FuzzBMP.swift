import FuzzSupport
import SemHiTok

/// BMP decoding (Spec/bmp.md). The format has no checksums to repair.
@main
enum FuzzBMP {
    static func main() {
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = try? BMPDecoder.decode(Fuzzer.input(data, size), limits: Fuzzer.imageLimits)
    return 0
}
