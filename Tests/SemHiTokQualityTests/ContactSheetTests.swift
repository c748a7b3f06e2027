import Foundation
import SemHiTok
import TestSupport
import Testing

/// The contact sheet of a golden `tiny` case: its layout from Spec/quality.md section 4
/// (64-pixel inputs enlarged 3 times to 192-pixel panels), the input panel from the
/// reference's pixel-branch tensor, the code maps from the reference's tokens.
struct ContactSheetTests {
    static let model = RepositoryPaths.golden("model")

    @Test func theSheetShowsTheInputAndTheCodeMapsOfTheReferencesTokens() throws {
        let golden = try WeightFile(contentsOf: Self.model + "/tiny_coffee_80x60.shw")
        let (pixels, shape) = try golden.uint8s("input")
        let image = RGBImage(width: shape[1], height: shape[0], pixels: pixels)
        let evaluations = try ReconstructionEvaluation.evaluate([image, image], with: SemHiTokModel(contentsOf: Self.model + "/tiny.shw"))
        let sheet = ContactSheet.render(evaluations, names: ["coffee", "again"], pixelCodebookSize: 4)
        // margin 8, four 192-pixel panels each followed by 8; a 14-pixel title line between
        // margins; rows of 192 + 4 + 14 + 8.
        #expect((sheet.width, sheet.height) == (8 + 4 * 200, 30 + 2 * 218))
        let tokens = try golden.int32s("expected.tokens").values.map(Int.init)
        let (values, chw) = try golden.floats("expected.pixel_values_pix")
        func sheetPixel(_ x: Int, _ y: Int) -> [UInt8] { Array(sheet.pixels[((y * sheet.width + x) * 3)..<((y * sheet.width + x) * 3 + 3)]) }
        for (u, v) in [(0, 0), (191, 0), (95, 130), (191, 191), (40, 7)] {
            let (x, y) = (u / 3, v / 3)
            let expectedInput = (0..<3).map { channel -> UInt8 in
                let value = values[channel * chw[1] * chw[2] + y * chw[2] + x]
                return UInt8(((min(max(value, -1), 1) + 1) * 127.5).rounded(.toNearestOrEven))
            }
            #expect(sheetPixel(8 + u, 30 + v) == expectedInput)
            let token = tokens[(y / 8) * 8 + x / 8]
            var generator = SplitMix64(seed: UInt64(token / 4))
            let mixed = generator.next()
            let expectedColour: [UInt8] = (0..<3).map { UInt8(48 + (mixed >> UInt64(8 * $0) & 0xFF) % 208) }
            #expect(sheetPixel(8 + 2 * 200 + u, 30 + v) == expectedColour)
            #expect(sheetPixel(8 + 3 * 200 + u, 30 + 218 + v) == ContactSheet.pixelCodeColour(token % 4))
        }
        // Titles and captions are drawn in black: the first letter of each title, the
        // caption under each row.
        func hasInk(x: Int, y: Int, width: Int) -> Bool {
            for dy in 0..<14 { for dx in 0..<width where sheetPixel(x + dx, y + dy) == [0, 0, 0] { return true } }
            return false
        }
        for column in 0..<4 { #expect(hasInk(x: 8 + column * 200, y: 8, width: 12)) }
        for row in 0..<2 { #expect(hasInk(x: 8, y: 30 + row * 218 + 196, width: 60)) }
    }

    @Test func theEightPixelCodeColoursAreDistinctAndCodesBeyondThemStable() {
        let colours = (0..<8).map(ContactSheet.pixelCodeColour)
        #expect(Set(colours.map { $0.map(String.init).joined(separator: ",") }).count == 8)
        #expect(ContactSheet.pixelCodeColour(9) == ContactSheet.semanticColour(9))
    }
}
