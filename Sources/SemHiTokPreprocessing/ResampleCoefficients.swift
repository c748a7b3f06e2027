/// The fixed-point weights of one bicubic resampling pass along one axis, as Pillow computes
/// them (Spec/preprocessing.md sections 2.2 and 2.3): for each output index, the first
/// input index it reads and one weight, in units of 2^-22, per input index read.
///
/// The weights are computed in binary64 with every operation in the Spec's order (Swift
/// never contracts `a * b + c` into a fused multiply-add), so they equal Pillow's exactly.
/// Storage is compact (the weights of output `i` are `weights[offsets[i] ..< offsets[i + 1]]`),
/// so a table costs O(input size + output size) even for extreme downscaling.
struct ResampleCoefficients: Sendable {
    /// Weights are integers in units of 2^-precisionBits.
    static let precisionBits = 22
    /// Half a unit of the result, the rounding term every accumulator starts from.
    static let rounding: Int32 = 1 << (precisionBits - 1)

    /// The number of input pixels along the axis, at least 1.
    let inputSize: Int
    /// The number of output pixels along the axis, at least 1.
    let outputSize: Int
    /// `outputSize` entries: the first input index each output reads.
    let firsts: [Int]
    /// `outputSize + 1` entries: output `i`'s weights start at `offsets[i]` in `weights`.
    let offsets: [Int]
    /// The fixed-point weights of all outputs, one after the other.
    let weights: [Int32]

    /// The table for resampling `inputSize` pixels to `outputSize` (both at least 1).
    init(inputSize: Int, outputSize: Int) {
        precondition(inputSize >= 1 && outputSize >= 1, "resampling needs sizes of at least 1")
        self.inputSize = inputSize
        self.outputSize = outputSize
        // Pillow holds the source extent as a C float; converting through Float keeps sizes
        // above 2^24 rounded exactly as it does.
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 2.0 * filterScale
        let inverse = 1.0 / filterScale

        var firsts = [Int]()
        var offsets = [0]
        var weights = [Int32]()
        firsts.reserveCapacity(outputSize)
        offsets.reserveCapacity(outputSize + 1)
        var taps = [Double]()
        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            let first = max(0, Int(center - support + 0.5))
            let end = min(inputSize, Int(center + support + 0.5))
            taps.removeAll(keepingCapacity: true)
            var total = 0.0
            for input in first..<max(first, end) {
                let weight = Self.bicubic((Double(input) - center + 0.5) * inverse)
                taps.append(weight)
                total += weight
            }
            for weight in taps {
                weights.append(Self.fixedPoint(total != 0 ? weight / total : weight))
            }
            firsts.append(first)
            offsets.append(weights.count)
        }
        self.firsts = firsts
        self.offsets = offsets
        self.weights = weights
    }

    /// The bicubic convolution kernel with a = -0.5 (Spec/preprocessing.md section 2.2),
    /// evaluated in binary64 in the Spec's operation order.
    static func bicubic(_ value: Double) -> Double {
        let x = value < 0 ? -value : value
        if x < 1 { return ((1.5 * x - 2.5) * x) * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * -0.5 }
        return 0
    }

    /// A normalised weight in units of 2^-22: `w * 2^22` (exact), plus or minus one half
    /// (rounded to binary64), truncated toward zero, i.e. rounded half away from zero.
    /// Normalised bicubic weights lie well inside (-2, 2), so the result fits an Int32.
    static func fixedPoint(_ weight: Double) -> Int32 {
        let scaled = weight * Double(1 << precisionBits)
        return Int32(weight < 0 ? scaled - 0.5 : scaled + 0.5)
    }
}
