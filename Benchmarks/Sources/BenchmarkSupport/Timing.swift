/// Seconds in `duration`.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// The wall times in seconds of `runs` calls `body(1) ... body(runs)`, after one untimed
/// warm-up call `body(0)`.
public func timings(runs: Int, _ body: (_ call: Int) throws -> Void) rethrows -> [Double] {
    try body(0)
    return try (1...runs).map { call in
        let start = ContinuousClock.now
        try body(call)
        return seconds(ContinuousClock.now - start)
    }
}

/// The median of `times` (the upper one of an even count).
public func median(_ times: [Double]) -> Double {
    times.sorted()[times.count / 2]
}
