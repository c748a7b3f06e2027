import BenchmarkSupport
import SemHiTok

// Times `Gemm.linear` on the shapes of a ViT's linear layers (rows = tokens, inputs x outputs
// = a layer's weight), on one thread and on all the threads `ComputeThreads` allows, and
// prints one line per measurement: `gemm_MxKxN<TAB>threads<TAB>best seconds<TAB>runs`.
// `Benchmarks/run` puts these next to NumPy's sgemm on the same shapes. The best of several
// runs, not the median: on a shared machine the best is the one least disturbed.

let shapes = [(768, 768), (768, 3072), (3072, 768), (1024, 4096), (1152, 4304), (4304, 1152)]
let tokenCounts = CommandLine.arguments.count > 1 ? CommandLine.arguments.dropFirst().compactMap { Int($0) } : [256, 729, 1024]
let threadCounts = Array(Set([1, ComputeThreads.available])).sorted()
var generator = Generator(state: 42)
for (inputs, outputs) in shapes {
    let layer = LinearWeights(weight: (0..<(inputs * outputs)).map { _ in generator.next() },
                              bias: (0..<outputs).map { _ in generator.next() }, outputs: outputs, inputs: inputs)
    for rows in tokenCounts {
        let x = Matrix(rows: rows, columns: inputs, values: (0..<(rows * inputs)).map { _ in generator.next() })
        let runs = max(3, Int(3e9 / Double(2 * rows * inputs * outputs)))
        for threads in threadCounts {
            ComputeThreads.count = threads
            let seconds = timings(runs: runs) { _ in _ = Gemm.linear(x, layer) }.min()!
            print("gemm_\(rows)x\(inputs)x\(outputs)\t\(threads)\t\(seconds)\t\(runs)")
        }
    }
}
