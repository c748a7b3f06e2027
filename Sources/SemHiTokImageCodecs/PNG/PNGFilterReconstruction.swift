/// Undoes PNG's scanline filters (PNG specification, section 9; Spec/png.md section 5) in
/// place: each row starts with its filter type (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth)
/// and holds the differences from a prediction made from already reconstructed bytes:
/// `a` the byte `stride` to the left, `b` the byte above, `c` the byte above `a`, all 0
/// outside the pass.
enum PNGFilterReconstruction {
    /// Reconstructs the `rows` rows of one pass stored at `data`, each a filter byte and
    /// `rowBytes` bytes, filters looking back `stride` bytes. Throws `corrupt` for a filter
    /// type above 4, naming the pass (0 when not interlaced, else 1 to 7) and row.
    static func reconstruct(_ data: UnsafeMutablePointer<UInt8>, rows: Int, rowBytes: Int, stride: Int,
                            pass: Int) throws(ImageDecodingProblem) {
        let zeros = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
        defer { zeros.deallocate() }
        zeros.initialize(repeating: 0, count: rowBytes)
        var prior = UnsafePointer(zeros)
        for row in 0..<rows {
            let start = data + row * (rowBytes + 1)
            let current = start + 1
            switch start.pointee {
            case 0:
                break
            case 1:
                for i in stride..<max(stride, rowBytes) { current[i] &+= current[i - stride] }
            case 2:
                for i in 0..<rowBytes { current[i] &+= prior[i] }
            case 3:
                for i in 0..<min(stride, rowBytes) { current[i] &+= prior[i] >> 1 }
                for i in stride..<max(stride, rowBytes) {
                    current[i] &+= UInt8(truncatingIfNeeded: (UInt16(current[i - stride]) + UInt16(prior[i])) >> 1)
                }
            case 4:
                // With a = c = 0 the Paeth predictor is b.
                for i in 0..<min(stride, rowBytes) { current[i] &+= prior[i] }
                for i in stride..<max(stride, rowBytes) {
                    current[i] &+= paeth(current[i - stride], prior[i], prior[i - stride])
                }
            case let type:
                let place = pass == 0 ? "row \(row)" : "row \(row) of Adam7 pass \(pass)"
                throw .corrupt("\(place) has filter type \(type) (only 0 to 4 exist)")
            }
            prior = UnsafePointer(current)
        }
    }

    /// The Paeth predictor: whichever of `a`, `b`, `c` is nearest to `a + b - c`, ties
    /// preferring `a`, then `b`.
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let (ia, ib, ic) = (Int(a), Int(b), Int(c))
        let pa = abs(ib - ic)
        let pb = abs(ia - ic)
        let pc = abs(ia + ib - 2 * ic)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
