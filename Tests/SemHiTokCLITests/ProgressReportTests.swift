@testable import SemHiTokCLI
import Testing

/// The progress line of `encode`: what it says, and when each style shows it. A fake clock
/// makes the times exact.
struct ProgressReportTests {
    /// A console that collects standard error and the redrawn status line, and a clock
    /// that tests move by hand.
    private final class Terminal: @unchecked Sendable {
        var errors: [String] = []
        var statuses: [String] = []
        var time = 100.0

        func console(redrawing: Bool) -> Console {
            Console(printOutput: { _ in }, printError: { self.errors.append($0) },
                    printStatus: redrawing ? { self.statuses.append($0) } : nil)
        }

        func report(_ style: ProgressReport.Style, alreadyDone: Int = 0) -> ProgressReport {
            ProgressReport(style: style, console: console(redrawing: style == .redrawn), alreadyDone: alreadyDone) { self.time }
        }
    }

    /// 30 images in 10 s of 120, 10 already done by an earlier run: 40 of 120 (33%), 3
    /// images/s, 80 left take 26.7 s, shown rounded up.
    @Test func theLineGivesDoneTotalRateEtaAndFailures() {
        let terminal = Terminal()
        let report = terminal.report(.lines, alreadyDone: 10)
        report.setTotal(120)
        report.add(processed: 28, failed: 0)
        report.add(processed: 2, failed: 2)
        #expect(report.line(at: 110) == "40 of 120 images (33%), 3.0 images/s, ETA 0:27, 2 failed")
    }

    @Test func withoutATotalTheLineHasNoEta() {
        let terminal = Terminal()
        let report = terminal.report(.lines)
        report.add(processed: 5, failed: 1)
        #expect(report.line(at: 102) == "5 images, 2.5 images/s, 1 failed")
    }

    @Test func durationsReadAsMinutesOrHours() {
        #expect(ProgressReport.duration(0) == "0:00")
        #expect(ProgressReport.duration(59.2) == "1:00")
        #expect(ProgressReport.duration(3599) == "59:59")
        #expect(ProgressReport.duration(3600 * 25 + 61) == "25:01:01")
    }

    /// Off a terminal, a line every five seconds at most, and a last one at the end when the
    /// count changed after the last line.
    @Test func plainLinesComeEveryFiveSeconds() {
        let terminal = Terminal()
        let report = terminal.report(.lines)
        terminal.time = 104.9
        report.add(processed: 1, failed: 0)
        #expect(terminal.errors.isEmpty)
        terminal.time = 105
        report.add(processed: 1, failed: 0)
        terminal.time = 106
        report.add(processed: 1, failed: 0)
        #expect(terminal.errors == ["2 images, 0.4 images/s, 0 failed"])
        report.finish()
        #expect(terminal.errors == ["2 images, 0.4 images/s, 0 failed", "3 images, 0.5 images/s, 0 failed"])
        #expect(terminal.statuses.isEmpty)
    }

    /// A run shorter than the interval prints nothing at all.
    @Test func aShortRunPrintsNoProgress() {
        let terminal = Terminal()
        let report = terminal.report(.lines)
        report.add(processed: 3, failed: 0)
        report.finish()
        #expect(terminal.errors.isEmpty)
    }

    /// On a terminal the line is redrawn every half second, left in place at the end with
    /// a newline, and a message in between clears it first.
    @Test func aTerminalLineIsRedrawn() {
        let terminal = Terminal()
        let report = terminal.report(.redrawn)
        terminal.time = 100.5
        report.add(processed: 1, failed: 0)
        terminal.time = 100.7
        report.add(processed: 1, failed: 0)
        report.interject("skipped x")
        report.finish()
        #expect(terminal.statuses == ["1 image, 2.0 images/s, 0 failed", "", "2 images, 2.9 images/s, 0 failed"])
        #expect(terminal.errors == ["skipped x", ""])
    }

    @Test func quietShowsNothing() {
        let terminal = Terminal()
        let report = terminal.report(.quiet)
        terminal.time = 1000
        report.add(processed: 1, failed: 1)
        report.finish()
        #expect(terminal.errors.isEmpty && terminal.statuses.isEmpty)
    }
}
