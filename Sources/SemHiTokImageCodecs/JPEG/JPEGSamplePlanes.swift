/// The decoded samples of every component of a frame, before upsampling (Spec/jpeg.md
/// section 5.2): one allocation, component after component, each `widthInBlocks * unit`
/// samples per row for `heightInBlocks * unit` rows (unit 8 for DCT frames, 1 for
/// lossless ones), of which the first `width` by `height` are used. Uninitialised: the
/// inverse DCT or the lossless scans write every sample that is read.
final class JPEGSamplePlanes {
    let base: UnsafeMutablePointer<UInt8>
    /// Where each component's plane starts, and its row length.
    let offsets: [Int]
    let strides: [Int]

    /// Planes for `frame`'s components; the frame's size has passed the limits.
    init(_ frame: JPEGFrame) {
        var offsets: [Int] = []
        var strides: [Int] = []
        var total = 0
        for component in frame.components {
            offsets.append(total)
            strides.append(component.widthInBlocks * frame.dataUnit)
            total += component.widthInBlocks * component.heightInBlocks * frame.dataUnit * frame.dataUnit
        }
        self.offsets = offsets
        self.strides = strides
        base = .allocate(capacity: total)
    }

    deinit { base.deallocate() }

    /// The first sample of component `index`'s plane.
    func plane(_ index: Int) -> UnsafeMutablePointer<UInt8> { base + offsets[index] }
}
