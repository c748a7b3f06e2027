/// The seven passes of Adam7 interlacing (PNG specification, section 8.2; Spec/png.md
/// section 5): each pass holds the pixels at columns `firstColumn + k * columnStep` and
/// rows `firstRow + k * rowStep` of the image, as a reduced image of its own.
enum Adam7 {
    /// One pass's place in the image.
    struct Pass {
        let firstColumn: Int
        let firstRow: Int
        let columnStep: Int
        let rowStep: Int

        /// The pass's width and height in an image of `width` x `height` pixels; either may
        /// be 0, and the pass is then absent from the data.
        func size(width: Int, height: Int) -> (width: Int, height: Int) {
            ((width - firstColumn + columnStep - 1) / columnStep, (height - firstRow + rowStep - 1) / rowStep)
        }
    }

    static let passes = [
        Pass(firstColumn: 0, firstRow: 0, columnStep: 8, rowStep: 8),
        Pass(firstColumn: 4, firstRow: 0, columnStep: 8, rowStep: 8),
        Pass(firstColumn: 0, firstRow: 4, columnStep: 4, rowStep: 8),
        Pass(firstColumn: 2, firstRow: 0, columnStep: 4, rowStep: 4),
        Pass(firstColumn: 0, firstRow: 2, columnStep: 2, rowStep: 4),
        Pass(firstColumn: 1, firstRow: 0, columnStep: 2, rowStep: 2),
        Pass(firstColumn: 0, firstRow: 1, columnStep: 1, rowStep: 2),
    ]

    /// The whole image as the single pass of a non-interlaced image.
    static let whole = Pass(firstColumn: 0, firstRow: 0, columnStep: 1, rowStep: 1)
}
