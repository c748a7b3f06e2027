/// The decoded Y, U and V planes of a frame in whole macroblocks (16 x 16 luma and 8 x 8
/// chroma samples each), owned here and freed with it.
final class VP8Planes {
    let macroblockWidth: Int
    let macroblockHeight: Int
    let yStride: Int
    let uvStride: Int
    let y: UnsafeMutablePointer<UInt8>
    let u: UnsafeMutablePointer<UInt8>
    let v: UnsafeMutablePointer<UInt8>

    /// Planes for a picture of `width` x `height` pixels, both at least 1 and checked
    /// against the limits by the caller.
    init(width: Int, height: Int) {
        macroblockWidth = (width + 15) >> 4
        macroblockHeight = (height + 15) >> 4
        yStride = 16 * macroblockWidth
        uvStride = 8 * macroblockWidth
        let lumaCount = yStride * 16 * macroblockHeight
        let chromaCount = uvStride * 8 * macroblockHeight
        y = .allocate(capacity: lumaCount)
        y.initialize(repeating: 0, count: lumaCount)
        u = .allocate(capacity: chromaCount)
        u.initialize(repeating: 0, count: chromaCount)
        v = .allocate(capacity: chromaCount)
        v.initialize(repeating: 0, count: chromaCount)
    }

    deinit {
        y.deallocate()
        u.deallocate()
        v.deallocate()
    }
}
