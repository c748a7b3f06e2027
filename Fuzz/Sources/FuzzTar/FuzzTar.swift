import FuzzSupport
import SemHiTok
#if canImport(Glibc)
import Glibc
#endif

/// A webdataset shard read as `semhitok encode` reads it (Spec/datasets.md sections 3 and
/// 4): every sample's image member loaded, up to 64 KiB. `TarReader` reads a path, so each
/// input goes through a scratch file. Mutations get their header checksums repaired
/// (`TarRepair`), so that they reach the fields behind them.
@main
enum FuzzTar {
    static func main() {
        atexit { scratch.remove() }
        Fuzzer.run(LLVMFuzzerTestOneInput)
    }
}

let scratch = ScratchFile(name: "shard.tar")

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    scratch.hold(Fuzzer.input(data, size))
    let reader = DatasetReader(inputs: [.shard(scratch.path)], maximumFileSize: 1 << 16) { _, _ in true }
    while reader.next() != nil {}
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func LLVMFuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    Fuzzer.mutate(data, size, maxSize, seed, repair: TarRepair.repair)
}
