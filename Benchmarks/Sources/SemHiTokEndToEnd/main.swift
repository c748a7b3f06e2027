import BenchmarkSupport
import Glibc
import SemHiTok

// Times the model end to end, for `Benchmarks/run` and `pytorch_model.py` to compare:
//
//     SemHiTokEndToEnd WEIGHTS encode|decode|features RUNS IMAGE...
//
// loads the model once (timed), decodes the images into memory (not timed), makes one
// warm-up call on the first image, then times RUNS calls cycling over the images and prints
// one line: `mode<TAB>median seconds per image<TAB>RUNS<TAB>load seconds<TAB>resident bytes
// after loading<TAB>peak resident bytes of the process`. The library sizes its thread pool
// from SEMHITOK_THREADS; `run` sets it.
//
// What one call is:
// - encode: `model.encode(image)`: both resizes and normalisations, the SigLIP tower, the
//   semantic projection, the exact semantic lookup, the pixel encoder, the exact pixel lookup.
// - decode: `model.decode(tokens:gridHeight:gridWidth:)` on the tokens of the same image,
//   encoded before the warm-up: gathering the codes and the pixel decoder to a float
//   tensor [3, S_pix, S_pix] (no conversion to 8 bits, which PyTorch's side does not do either).
// - features: `model.siglipFeatures([image])`: SigLIP's resize and normalisation and the
//   SigLIP tower, nothing of the semantic lookup or the pixel branch.

/// The process's resident set size now, in bytes (the second field of /proc/self/statm, in pages).
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
    let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * sysconf(Int32(_SC_PAGESIZE))
}

/// The process's peak resident set size so far, in bytes (`ru_maxrss` is in KiB on Linux).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

let arguments = CommandLine.arguments
guard arguments.count >= 5, ["encode", "decode", "features"].contains(arguments[2]), let runs = Int(arguments[3]), runs > 0
else {
    let usage = "usage: SemHiTokEndToEnd WEIGHTS encode|decode|features RUNS IMAGE...\n"
    _ = usage.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
}
let mode = arguments[2]

let loadStart = ContinuousClock.now
let model = try SemHiTokModel(contentsOf: arguments[1])
let loadSeconds = seconds(ContinuousClock.now - loadStart)
let residentAfterLoad = residentBytes()

let images = try arguments[4...].map { try ImageFile.read($0) }
/// One timed call on the image at an index of `images`.
let call: (Int) throws -> Void
switch mode {
case "encode":
    call = { _ = try model.encode(images[$0]) }
case "features":
    call = { _ = try model.siglipFeatures([images[$0]]) }
default:
    let encodings = try images.map { try model.encode($0) }
    call = {
        let encoding = encodings[$0]
        _ = try model.decode(tokens: encoding.tokens, gridHeight: encoding.gridHeight, gridWidth: encoding.gridWidth)
    }
}

let times = try timings(runs: runs) { try call($0 % images.count) }
print("\(mode)\t\(median(times))\t\(runs)\t\(loadSeconds)\t\(residentAfterLoad)\t\(peakResidentBytes())")
