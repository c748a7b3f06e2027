/// Undoes the prediction of lossless JPEG one sample row at a time, as libjpeg does
/// (T.81 H.1.2.1, Spec/jpeg.md section 4.5): each sample is its decoded difference plus a
/// prediction from its left (Ra), upper (Rb) and upper-left (Rc) neighbours, modulo 2^16.
enum JPEGLosslessPrediction {
    /// Reconstructs `width` samples at `current` from the `differences` of one row.
    ///
    /// A first row (the scan's, or the first that libjpeg undoes after a restart) is
    /// predicted from `2^(7 - pointTransform)` for its first sample and from the left for
    /// the others; any other row from `previous` (the reconstructed row above) for its first
    /// sample and with `predictor` (1 to 7) for the others.
    @inline(__always)
    static func undo(_ differences: UnsafePointer<Int32>, previous: UnsafePointer<Int32>, into current: UnsafeMutablePointer<Int32>,
                     width: Int, isFirstRow: Bool, predictor: Int, pointTransform: Int) {
        if isFirstRow {
            var left = (differences[0] &+ Int32(1) << (7 - pointTransform)) & 0xFFFF
            current[0] = left
            for x in 1..<width {
                left = (differences[x] &+ left) & 0xFFFF
                current[x] = left
            }
            return
        }
        switch predictor {
        case 1: row(differences, previous, current, width) { a, _, _ in a }
        case 2: row(differences, previous, current, width) { _, b, _ in b }
        case 3: row(differences, previous, current, width) { _, _, c in c }
        case 4: row(differences, previous, current, width) { a, b, c in a &+ b &- c }
        case 5: row(differences, previous, current, width) { a, b, c in a &+ ((b &- c) >> 1) }
        case 6: row(differences, previous, current, width) { a, b, c in b &+ ((a &- c) >> 1) }
        default: row(differences, previous, current, width) { a, b, _ in (a &+ b) >> 1 }
        }
    }

    /// One row after the first: the first sample predicted from the one above, the others
    /// by `predict(Ra, Rb, Rc)`. The arguments are at most 16 bits, so no predictor
    /// overflows.
    @inline(__always)
    private static func row(_ differences: UnsafePointer<Int32>, _ previous: UnsafePointer<Int32>,
                            _ current: UnsafeMutablePointer<Int32>, _ width: Int,
                            _ predict: (Int32, Int32, Int32) -> Int32) {
        var left = (differences[0] &+ previous[0]) & 0xFFFF
        current[0] = left
        for x in 1..<max(width, 1) {
            left = (differences[x] &+ predict(left, previous[x], previous[x - 1])) & 0xFFFF
            current[x] = left
        }
    }
}
