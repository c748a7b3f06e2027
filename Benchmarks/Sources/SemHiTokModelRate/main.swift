import BenchmarkSupport
import Glibc
import SemHiTok

// The model's own rate on a dataset's images, for `Benchmarks/dataset` to compare a whole
// `semhitok encode` run against:
//
//     SemHiTokModelRate WEIGHTS|default BATCH PASSES IMAGE...
//
// loads the model (`default`: the embedded one), decodes and prepares the images (not
// timed), encodes them once as a warm-up, then times PASSES passes of
// `model.encode(prepared:)` over all of them in batches of BATCH, as `encode` computes them,
// and prints `images per second<TAB>images` from the median pass.

let arguments = CommandLine.arguments
guard arguments.count >= 5, let batch = Int(arguments[2]), batch > 0, let passes = Int(arguments[3]), passes > 0 else {
    let usage = "usage: SemHiTokModelRate WEIGHTS|default BATCH PASSES IMAGE...\n"
    _ = usage.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
}
let model = arguments[1] == "default" ? try DefaultModel.load() : try SemHiTokModel(contentsOf: arguments[1])
let prepared = try arguments[4...].map { try model.prepare(ImageFile.read($0)) }
let seconds = median(try timings(runs: passes) { _ in
    for start in stride(from: 0, to: prepared.count, by: batch) {
        _ = try model.encode(prepared: Array(prepared[start..<min(start + batch, prepared.count)]))
    }
})
print("\(Double(prepared.count) / seconds)\t\(prepared.count)")
