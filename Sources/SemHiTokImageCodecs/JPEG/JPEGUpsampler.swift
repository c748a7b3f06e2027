/// Brings one component to full resolution, one output row at a time, exactly as libjpeg's
/// default upsampling ("fancy", `do_fancy_upsampling`) does (Spec/jpeg.md section 6).
///
/// A component sampled at half the largest factor in a direction is interpolated with
/// libjpeg's triangle filter: each output sample weighs the nearer input 3/4 and the
/// further 1/4, with libjpeg's alternating rounding biases. At the component's edges the
/// missing neighbour is the edge sample itself. When a half-width component is at most 2
/// samples wide, libjpeg replicates samples instead (2:1 horizontally, and 2:1 vertically
/// too when both directions are halved).
struct JPEGUpsampler {
    /// How one component is brought to full resolution.
    enum Method: Equatable {
        case fullSize, horizontalFancy, horizontalReplicate, verticalFancy, verticalReplicate, bothFancy, bothReplicate
    }

    let method: Method
    /// The component's samples: `height` rows of `width` valid samples, rows `stride` apart.
    let plane: UnsafePointer<UInt8>
    let stride: Int
    let width: Int
    let height: Int

    /// The method libjpeg chooses for a component of `width` samples per line sampled
    /// `horizontalRatio` and `verticalRatio` (1 or 2) times less than the largest factors.
    /// Without `fancy` (lossless frames, whose one-sample data units leave libjpeg no
    /// context rows to interpolate with) every method replicates.
    static func method(horizontalRatio: Int, verticalRatio: Int, width: Int, fancy: Bool = true) -> Method {
        switch (horizontalRatio, verticalRatio) {
        case (1, 1): .fullSize
        case (2, 1): fancy && width > 2 ? .horizontalFancy : .horizontalReplicate
        case (1, 2): fancy ? .verticalFancy : .verticalReplicate
        default: fancy && width > 2 ? .bothFancy : .bothReplicate
        }
    }

    /// Output row `y` of the component at full resolution: `plane`'s own row when nothing
    /// needs computing, else `buffer` (room for at least `2 * width` samples) filled with it.
    /// Holds at least `min(output width, 2 * width)` valid samples.
    @inline(__always)
    func row(_ y: Int, buffer: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        switch method {
        case .fullSize:
            return plane + y * stride
        case .horizontalFancy:
            horizontalTriangle(plane + y * stride, into: buffer)
        case .horizontalReplicate:
            replicate(plane + y * stride, into: buffer)
        case .verticalFancy:
            let (near, far, bias) = verticalNeighbours(y)
            for x in 0..<width { buffer[x] = UInt8(truncatingIfNeeded: (3 * Int(near[x]) + Int(far[x]) + bias) >> 2) }
        case .verticalReplicate:
            return plane + (y >> 1) * stride
        case .bothFancy:
            let (near, far, _) = verticalNeighbours(y)
            bothTriangle(near, far, into: buffer)
        case .bothReplicate:
            replicate(plane + (y >> 1) * stride, into: buffer)
        }
        return UnsafePointer(buffer)
    }

    /// For output row `y` of a vertically halved component: its nearer input row, the
    /// further one (the row above for even `y`, below for odd, the edge row at the edges),
    /// and libjpeg's rounding bias for the 1-D case (1 above, 2 below).
    @inline(__always)
    private func verticalNeighbours(_ y: Int) -> (UnsafePointer<UInt8>, UnsafePointer<UInt8>, Int) {
        let input = y >> 1
        let isUpper = y & 1 == 0
        let other = isUpper ? max(input - 1, 0) : min(input + 1, height - 1)
        return (plane + input * stride, plane + other * stride, isUpper ? 1 : 2)
    }

    private func replicate(_ input: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            output[2 * x] = input[x]
            output[2 * x + 1] = input[x]
        }
    }

    /// libjpeg's h2v1 triangle filter; needs `width` >= 3.
    private func horizontalTriangle(_ input: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        output[0] = input[0]
        output[1] = UInt8(truncatingIfNeeded: (3 * Int(input[0]) + Int(input[1]) + 2) >> 2)
        for x in 1..<(width - 1) {
            let centre = 3 * Int(input[x])
            output[2 * x] = UInt8(truncatingIfNeeded: (centre + Int(input[x - 1]) + 1) >> 2)
            output[2 * x + 1] = UInt8(truncatingIfNeeded: (centre + Int(input[x + 1]) + 2) >> 2)
        }
        let last = width - 1
        output[2 * last] = UInt8(truncatingIfNeeded: (3 * Int(input[last]) + Int(input[last - 1]) + 1) >> 2)
        output[2 * last + 1] = input[last]
    }

    /// libjpeg's h2v2 triangle filter on the column sums `3 near + far`; needs `width` >= 3.
    private func bothTriangle(_ near: UnsafePointer<UInt8>, _ far: UnsafePointer<UInt8>,
                              into output: UnsafeMutablePointer<UInt8>) {
        @inline(__always) func sum(_ x: Int) -> Int { 3 * Int(near[x]) + Int(far[x]) }
        var previous = sum(0)
        var current = previous
        var next = sum(1)
        output[0] = UInt8(truncatingIfNeeded: (current * 4 + 8) >> 4)
        output[1] = UInt8(truncatingIfNeeded: (current * 3 + next + 7) >> 4)
        for x in 1..<(width - 1) {
            previous = current
            current = next
            next = sum(x + 1)
            output[2 * x] = UInt8(truncatingIfNeeded: (current * 3 + previous + 8) >> 4)
            output[2 * x + 1] = UInt8(truncatingIfNeeded: (current * 3 + next + 7) >> 4)
        }
        let last = width - 1
        output[2 * last] = UInt8(truncatingIfNeeded: (next * 3 + current + 8) >> 4)
        output[2 * last + 1] = UInt8(truncatingIfNeeded: (next * 4 + 7) >> 4)
    }
}
