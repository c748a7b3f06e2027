import Foundation

/// The progress of an `encode` run on standard error: on a terminal one line redrawn in
/// place, elsewhere a plain line every few seconds, or nothing. A line reads
/// `1200 of 5000 images (24%), 41.3 images/s, ETA 1:32, 2 failed`: done (with the records
/// an earlier run left, which a resumed run skips) and the total when it is known, the rate
/// of this run, the time left at that rate, and the images that could not be read.
final class ProgressReport: @unchecked Sendable {
    enum Style {
        /// Redraws one line with `status` (a terminal), every half second.
        case redrawn
        /// Prints a line every five seconds.
        case lines
        /// Shows nothing.
        case quiet
    }

    private let style: Style
    private let console: Console
    private let now: () -> Double
    private let started: Double
    private let alreadyDone: Int
    private var lastShown: Double
    private var hasShown = false
    private var processedWhenShown = 0
    private var processed = 0
    private var failed = 0
    private let lock = NSLock()
    private var total: Int?

    /// - Parameters:
    ///   - alreadyDone: records an earlier run wrote, counted as done.
    ///   - now: the clock, in seconds.
    init(style: Style, console: Console, alreadyDone: Int,
         now: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.style = style
        self.console = console
        self.alreadyDone = alreadyDone
        self.now = now
        started = now()
        lastShown = started
    }

    /// The number of records this run will have done when it finishes, once it is known
    /// (it may be called from any thread).
    func setTotal(_ count: Int) {
        lock.withLock { total = count }
    }

    /// Counts records done, `failed` of them not readable, and shows the line if it is due.
    func add(processed: Int, failed: Int) {
        self.processed += processed
        self.failed += failed
        let time = now()
        guard time - lastShown >= interval else { return }
        lastShown = time
        show(line(at: time))
    }

    /// Prints `message` on its own line without breaking the redrawn line.
    func interject(_ message: String) {
        if case .redrawn = style { console.printStatus?("") }
        console.printError(message)
    }

    /// Shows the final count if a line was shown before and the count has changed since;
    /// a redrawn line is then left in place.
    func finish() {
        guard hasShown else { return }
        if processed != processedWhenShown { show(line(at: now())) }
        if case .redrawn = style { console.printError("") }
    }

    /// The progress line at `time`.
    func line(at time: Double) -> String {
        let elapsed = max(time - started, 1e-9)
        let rate = Double(processed) / elapsed
        let done = alreadyDone + processed
        let rateText = String(format: "%.1f images/s", rate)
        let failures = "\(failed) failed"
        guard let total = lock.withLock({ total }) else {
            return "\(counted(done, "image")), \(rateText), \(failures)"
        }
        let percent = total > 0 ? 100 * done / total : 100
        let left = max(total - done, 0)
        let eta = rate > 0 ? Self.duration(Double(left) / rate) : "unknown"
        return "\(done) of \(counted(total, "image")) (\(percent)%), \(rateText), ETA \(eta), \(failures)"
    }

    /// `seconds` as m:ss or h:mm:ss.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    private var interval: Double {
        switch style {
        case .redrawn: 0.5
        case .lines: 5
        case .quiet: .infinity
        }
    }

    private func show(_ text: String) {
        hasShown = true
        processedWhenShown = processed
        switch style {
        case .redrawn: console.printStatus?(text)
        case .lines: console.printError(text)
        case .quiet: break
        }
    }
}
