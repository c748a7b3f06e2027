import SemHiTokImageCodecs

/// The two one-dimensional passes of the bicubic resize (Spec/preprocessing.md section 2.4):
/// each output sample is `clip8((2^21 + sum of input * weight) >> 22)` in 32-bit integers,
/// stored as a byte before the next pass reads it.
enum ResamplePass {
    /// Resamples every row of `image` to `coefficients.outputSize` pixels (the horizontal
    /// pass): `image.width` must be `coefficients.inputSize`. Output `[image.height, width, 3]`.
    static func horizontal(_ image: RGBImage, _ coefficients: ResampleCoefficients) -> RGBImage {
        precondition(image.width == coefficients.inputSize, "the coefficients are for another width")
        let inputRowBytes = image.width * 3
        let outputWidth = coefficients.outputSize
        var output = [UInt8](repeating: 0, count: outputWidth * image.height * 3)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                coefficients.firsts.withUnsafeBufferPointer { firsts in
                    coefficients.offsets.withUnsafeBufferPointer { offsets in
                        coefficients.weights.withUnsafeBufferPointer { weights in
                            horizontalRows(source, rowBytes: inputRowBytes, rows: image.height, into: destination,
                                           outputWidth: outputWidth, firsts: firsts, offsets: offsets, weights: weights)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outputWidth, height: image.height, pixels: output)
    }

    /// Resamples every column of `image` to `coefficients.outputSize` pixels (the vertical
    /// pass): `image.height` must be `coefficients.inputSize`. Output `[height, image.width, 3]`.
    static func vertical(_ image: RGBImage, _ coefficients: ResampleCoefficients) -> RGBImage {
        precondition(image.height == coefficients.inputSize, "the coefficients are for another height")
        let rowBytes = image.width * 3
        let outputHeight = coefficients.outputSize
        var output = [UInt8](repeating: 0, count: rowBytes * outputHeight)
        var sums = [Int32](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                sums.withUnsafeMutableBufferPointer { sums in
                    coefficients.firsts.withUnsafeBufferPointer { firsts in
                        coefficients.offsets.withUnsafeBufferPointer { offsets in
                            coefficients.weights.withUnsafeBufferPointer { weights in
                                verticalRows(source, rowBytes: rowBytes, into: destination, outputHeight: outputHeight,
                                             sums: sums, firsts: firsts, offsets: offsets, weights: weights)
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: outputHeight, pixels: output)
    }

    /// The horizontal pass over raw buffers; kept out of line from the closures that hold
    /// the buffers so that the optimiser sees plain loops.
    @inline(never)
    private static func horizontalRows(_ source: UnsafeBufferPointer<UInt8>, rowBytes: Int, rows: Int,
                                       into destination: UnsafeMutableBufferPointer<UInt8>, outputWidth: Int,
                                       firsts: UnsafeBufferPointer<Int>, offsets: UnsafeBufferPointer<Int>,
                                       weights: UnsafeBufferPointer<Int32>) {
        guard let input = source.baseAddress, let output = destination.baseAddress,
              let kernel = weights.baseAddress else { return }
        for row in 0..<rows {
            let inputRow = input + row * rowBytes
            var out = output + row * outputWidth * 3
            for x in 0..<outputWidth {
                var pixel = inputRow + firsts[x] * 3
                var red = ResampleCoefficients.rounding
                var green = red
                var blue = red
                for tap in offsets[x]..<offsets[x + 1] {
                    let weight = kernel[tap]
                    red &+= Int32(pixel[0]) &* weight
                    green &+= Int32(pixel[1]) &* weight
                    blue &+= Int32(pixel[2]) &* weight
                    pixel += 3
                }
                out[0] = clip8(red)
                out[1] = clip8(green)
                out[2] = clip8(blue)
                out += 3
            }
        }
    }

    /// The vertical pass over raw buffers: each output row accumulates whole input rows into
    /// `sums` (one Int32 per byte of a row), which vectorises.
    @inline(never)
    private static func verticalRows(_ source: UnsafeBufferPointer<UInt8>, rowBytes: Int,
                                     into destination: UnsafeMutableBufferPointer<UInt8>, outputHeight: Int,
                                     sums: UnsafeMutableBufferPointer<Int32>, firsts: UnsafeBufferPointer<Int>,
                                     offsets: UnsafeBufferPointer<Int>, weights: UnsafeBufferPointer<Int32>) {
        guard let input = source.baseAddress, let output = destination.baseAddress,
              let sum = sums.baseAddress else { return }
        for y in 0..<outputHeight {
            sum.update(repeating: ResampleCoefficients.rounding, count: rowBytes)
            var inputRow = input + firsts[y] * rowBytes
            for tap in offsets[y]..<offsets[y + 1] {
                let weight = weights[tap]
                for i in 0..<rowBytes {
                    sum[i] &+= Int32(inputRow[i]) &* weight
                }
                inputRow += rowBytes
            }
            let out = output + y * rowBytes
            for i in 0..<rowBytes {
                out[i] = clip8(sum[i])
            }
        }
    }

    /// The byte a fixed-point sum stands for: `sum >> 22` (rounding toward minus infinity)
    /// clamped to 0...255.
    @inline(__always)
    private static func clip8(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(ResampleCoefficients.precisionBits))
    }
}
