import SemHiTokImageCodecs

/// Pillow's bicubic resize of an RGB image, reproduced bit for bit (Spec/preprocessing.md
/// section 2): `Image.resize((width, height), Image.BICUBIC)` in Pillow 13, without `box`
/// or `reducing_gap`.
public enum BicubicResize {
    /// `image` (`[H, W, 3]`) resized to `[height, width, 3]`. Both sizes must be at least 1,
    /// and `width * height` small enough to allocate: callers taking sizes from outside check
    /// them against `ImageLimits` first, as `Preprocessor` does.
    ///
    /// Two one-dimensional passes, each skipped when its size is kept; the vertical one
    /// runs first exactly when `runsVerticalPassFirst` says so. An image already of the
    /// requested size is returned unchanged, as Pillow returns a copy.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width >= 1 && height >= 1, "a resized image needs a width and height of at least 1")
        let horizontal = { (image: RGBImage) -> RGBImage in
            guard width != image.width else { return image }
            return ResamplePass.horizontal(image, ResampleCoefficients(inputSize: image.width, outputSize: width))
        }
        let vertical = { (image: RGBImage) -> RGBImage in
            guard height != image.height else { return image }
            return ResamplePass.vertical(image, ResampleCoefficients(inputSize: image.height, outputSize: height))
        }
        if runsVerticalPassFirst(width: image.width, height: image.height, outputWidth: width, outputHeight: height) {
            return horizontal(vertical(image))
        }
        return vertical(horizontal(image))
    }

    /// Whether the vertical pass runs before the horizontal one (Spec/preprocessing.md
    /// section 2.5): when the height shrinks, by more than twice as many pixels as the
    /// width shrinks (Pillow 13 chooses the order this way; the order changes the bytes,
    /// because the intermediate image is rounded to 8 bits).
    static func runsVerticalPassFirst(width: Int, height: Int, outputWidth: Int, outputHeight: Int) -> Bool {
        outputHeight < height && height - outputHeight > 2 * (width - outputWidth)
    }
}
