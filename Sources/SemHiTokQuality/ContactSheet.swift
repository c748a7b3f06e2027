import Foundation
import SemHiTokImageCodecs

/// One picture of what a model does to images (Spec/quality.md section 4): a row per
/// image with the input as the pixel branch sees it, the reconstruction, the semantic index
/// map and the pixel sub-code map, captioned with the image's name, PSNR and SSIM.
public enum ContactSheet {
    /// Panels are at least this wide: small inputs are enlarged by a whole factor.
    static let minimumPanelSide = 160
    static let margin = 8, fontScale = 2, captionGap = 4
    static let columnTitles = ["input", "decoded", "semantic i", "pixel j"]

    /// The sheet for `evaluations` (of one model, so of one grid and size), each row
    /// captioned with its name from `names`; `pixelCodebookSize` is the model's `m`.
    public static func render(_ evaluations: [ReconstructionEvaluation], names: [String], pixelCodebookSize m: Int) -> RGBImage {
        let side = evaluations.first?.input.width ?? minimumPanelSide
        let scale = max(1, (minimumPanelSide + side - 1) / side)
        let panel = side * scale
        let textHeight = BitmapFont.glyphHeight * fontScale
        let rowHeight = panel + captionGap + textHeight + margin
        var canvas = Canvas(width: margin + 4 * (panel + margin), height: 2 * margin + textHeight + evaluations.count * rowHeight)
        for (column, title) in columnTitles.enumerated() {
            canvas.text(title, x: margin + column * (panel + margin), y: margin, maximumWidth: panel)
        }
        for (row, (evaluation, name)) in zip(evaluations, names).enumerated() {
            let top = 2 * margin + textHeight + row * rowHeight
            let patchSide = side / evaluation.gridWidth
            let cell = { (x: Int, y: Int) in evaluation.tokens[(y / patchSide) * evaluation.gridWidth + x / patchSide] }
            let panels: [(Int, Int) -> [UInt8]] = [
                { x, y in pixel(evaluation.input, x, y) },
                { x, y in pixel(evaluation.reconstruction, x, y) },
                { x, y in semanticColour(Int(cell(x, y)) / m) },
                { x, y in pixelCodeColour(Int(cell(x, y)) % m) },
            ]
            for (column, colour) in panels.enumerated() {
                canvas.fill(x: margin + column * (panel + margin), y: top, side: panel, scale: scale, colour)
            }
            let ssim = String(format: "%.3f", evaluation.ssim)
            let psnr = evaluation.psnr.isFinite ? String(format: "%.2f dB", evaluation.psnr) : "inf dB"
            canvas.text("\(name)  PSNR \(psnr)  SSIM \(ssim)", x: margin, y: top + panel + captionGap,
                        maximumWidth: canvas.width - 2 * margin)
        }
        return RGBImage(width: canvas.width, height: canvas.height, pixels: canvas.pixels)
    }

    /// The colour of semantic code `i`: three bytes of a SplitMix64 mix of `i`, each mapped
    /// into 48 ... 255 so that no code is near black (Spec/quality.md section 4).
    public static func semanticColour(_ code: Int) -> [UInt8] {
        var z = UInt64(code) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (0..<3).map { UInt8(48 + (z >> UInt64(8 * $0) & 0xFF) % 208) }
    }

    /// The colour of pixel sub-code `j`: one of eight well-separated colours, then as a
    /// semantic code's colour for `j >= 8`.
    public static func pixelCodeColour(_ code: Int) -> [UInt8] {
        let palette: [[UInt8]] = [[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
                                  [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230]]
        return code < palette.count ? palette[code] : semanticColour(code)
    }

    private static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let start = (y * image.width + x) * 3
        return Array(image.pixels[start..<(start + 3)])
    }

    /// A white RGB image being drawn on.
    private struct Canvas {
        let width: Int, height: Int
        var pixels: [UInt8]

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            pixels = [UInt8](repeating: 255, count: width * height * 3)
        }

        /// A `side` x `side` square at (x, y) whose pixel (u, v) has the colour of source
        /// pixel (u / scale, v / scale).
        mutating func fill(x: Int, y: Int, side: Int, scale: Int, _ colour: (Int, Int) -> [UInt8]) {
            for v in 0..<side {
                for u in 0..<side {
                    let start = ((y + v) * width + x + u) * 3
                    pixels.replaceSubrange(start..<(start + 3), with: colour(u / scale, v / scale))
                }
            }
        }

        /// `text` in black from (x, y), cut to the characters that fit `maximumWidth`.
        mutating func text(_ text: String, x: Int, y: Int, maximumWidth: Int) {
            let fitting = text.prefix(max(0, (maximumWidth / ContactSheet.fontScale + 1) / BitmapFont.advance))
            for (index, character) in fitting.enumerated() {
                for (row, bits) in BitmapFont.glyph(character).enumerated() {
                    for (column, ink) in bits.enumerated() where ink {
                        let left = x + (index * BitmapFont.advance + column) * ContactSheet.fontScale
                        let top = y + row * ContactSheet.fontScale
                        for dy in 0..<ContactSheet.fontScale {
                            for dx in 0..<ContactSheet.fontScale {
                                let start = ((top + dy) * width + left + dx) * 3
                                pixels.replaceSubrange(start..<(start + 3), with: [0, 0, 0])
                            }
                        }
                    }
                }
            }
        }
    }
}
