import CFuzzerDriver
import SemHiTok
#if canImport(Glibc)
import Glibc
#endif

/// What every target shares: starting libFuzzer, the bytes of an input, and a mutator that
/// repairs checksums.
public enum Fuzzer {
    /// libFuzzer's callback: one input, `size` bytes at `data`; returns 0.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// The image size bound of the image targets: 4 megapixels. Lower than
    /// `ImageLimits.standard` so that an input declaring a large image within the limits does
    /// not spend the fuzzer's memory limit (`-rss_limit_mb`) on pixels; the refusal itself is
    /// the same code.
    public static let imageLimits = ImageLimits(maximumPixelCount: 1 << 22)

    /// Runs libFuzzer with this process's command line, calling `test` on each input, and
    /// exits with libFuzzer's status.
    public static func run(_ test: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }

    /// The bytes of an input as libFuzzer passes them.
    public static func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data, count: size)
    }

    /// A custom mutation (`LLVMFuzzerCustomMutator`): libFuzzer's own, then, for 15 seeds in
    /// 16, `repair`, which recomputes the checksums of the format so that the mutated bytes
    /// get past them to the parser. The other sixteenth keeps whatever checksums the
    /// mutation left, so that the checksum failures are fuzzed as well. Returns the new size.
    public static func mutate(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32,
                              repair: (UnsafeMutableRawBufferPointer) -> Void) -> Int {
        let newSize = LLVMFuzzerMutate(data, size, maxSize)
        if seed % 16 != 0 {
            repair(UnsafeMutableRawBufferPointer(start: data, count: newSize))
        }
        return newSize
    }
}
