@testable import SemHiTokCLI
import Testing

/// The keys a continued run skips (Spec/datasets.md section 7).
struct KeyCountsTests {
    /// A key written twice is skipped twice, then no more.
    @Test func eachOccurrenceIsSkippedOnce() {
        var keys = KeyCounts(["a", "b", "a"])
        let results = [keys.remove("a"), keys.remove("a"), keys.remove("a"), keys.remove("b"), keys.remove("c")]
        #expect(results == [true, true, false, true, false])
    }

    /// U+00E9 and "e" + U+0301 are equal Swift strings but different keys.
    @Test func keysCompareByTheirBytes() {
        var keys = KeyCounts(["\u{e9}.png"])
        let results = [keys.remove("e\u{301}.png"), keys.remove("\u{e9}.png")]
        #expect(results == [false, true])
    }
}
