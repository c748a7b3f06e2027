#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM, caught so that a command that writes a file stops between records
/// and leaves its output valid (an appended token file indexed, a new one not created)
/// instead of dying in the middle of a write.
enum Interruption {
    /// The signal received, 0 for none; written only by the handler.
    nonisolated(unsafe) private static var received: sig_atomic_t = 0

    /// A run stopped by a signal.
    struct Interrupted: Error, CustomStringConvertible {
        let signal: Int32
        var description: String { "interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")" }
    }

    /// Runs `body` with SIGINT and SIGTERM caught (`check()` reports them) and SIGXFSZ
    /// ignored, so that a file-size limit makes a write fail with an error instead of
    /// killing the process; the default actions are restored afterwards.
    static func catching<T>(_ body: () throws -> T) rethrows -> T {
        received = 0
        signal(SIGINT) { Interruption.received = $0 }
        signal(SIGTERM) { Interruption.received = $0 }
        signal(SIGXFSZ, SIG_IGN)
        defer {
            for caught in [SIGINT, SIGTERM, SIGXFSZ] { signal(caught, SIG_DFL) }
        }
        return try body()
    }

    /// Throws `Interrupted` if a caught signal has arrived.
    static func check() throws {
        let signal = received
        if signal != 0 { throw Interrupted(signal: Int32(signal)) }
    }
}
