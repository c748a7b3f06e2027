/// Filters the rows of an 8-bit RGB image for the encoder (Spec/png.md section 7.1): each
/// row gets the filter type (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) whose output has
/// the smallest sum of absolute values, bytes read as signed (libpng's heuristic); ties go
/// to the lower type.
enum PNGFilterSelection {
    /// The filtered scanlines of `image`: for each row its filter type byte and the
    /// `width * 3` filtered bytes.
    static func filteredRows(_ image: RGBImage) -> [UInt8] {
        let rowBytes = image.width * 3
        var output = [UInt8](repeating: 0, count: image.height * (rowBytes + 1))
        var candidates = [UInt8](repeating: 0, count: 5 * rowBytes)
        let zeros = [UInt8](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { output in
                candidates.withUnsafeMutableBufferPointer { candidates in
                    zeros.withUnsafeBufferPointer { zeros in
                        guard let pixels = pixels.baseAddress, let output = output.baseAddress,
                              let candidates = candidates.baseAddress, let zeros = zeros.baseAddress else { return }
                        for y in 0..<image.height {
                            let row = pixels + y * rowBytes
                            let prior = y == 0 ? zeros : row - rowBytes
                            var best = 0
                            var bestSum = Int.max
                            for type in 0..<5 {
                                let sum = filter(type, row: row, prior: prior, count: rowBytes,
                                                 into: candidates + type * rowBytes)
                                if sum < bestSum {
                                    best = type
                                    bestSum = sum
                                }
                            }
                            let destination = output + y * (rowBytes + 1)
                            destination[0] = UInt8(best)
                            (destination + 1).update(from: candidates + best * rowBytes, count: rowBytes)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Writes `row` filtered with filter `type` against `prior` (the unfiltered row above,
    /// zeros for the first row) to `destination`; returns the sum of the absolute values
    /// of the output bytes read as signed.
    private static func filter(_ type: Int, row: UnsafePointer<UInt8>, prior: UnsafePointer<UInt8>, count: Int,
                               into destination: UnsafeMutablePointer<UInt8>) -> Int {
        let stride = 3
        // The first pixel has no left neighbour: a = c = 0.
        for i in 0..<min(stride, count) {
            let b = prior[i]
            let predictor: UInt8 = switch type {
            case 0, 1: 0
            case 3: b >> 1
            default: b
            }
            destination[i] = row[i] &- predictor
        }
        switch type {
        case 0:
            for i in stride..<max(stride, count) { destination[i] = row[i] }
        case 1:
            for i in stride..<max(stride, count) { destination[i] = row[i] &- row[i - stride] }
        case 2:
            for i in stride..<max(stride, count) { destination[i] = row[i] &- prior[i] }
        case 3:
            for i in stride..<max(stride, count) {
                destination[i] = row[i] &- UInt8(truncatingIfNeeded: (UInt16(row[i - stride]) + UInt16(prior[i])) >> 1)
            }
        default:
            for i in stride..<max(stride, count) {
                destination[i] = row[i] &- PNGFilterReconstruction.paeth(row[i - stride], prior[i], prior[i - stride])
            }
        }
        var sum = 0
        for i in 0..<count { sum += abs(Int(Int8(bitPattern: destination[i]))) }
        return sum
    }
}
