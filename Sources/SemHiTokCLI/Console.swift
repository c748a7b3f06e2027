#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command's output goes: the process's standard output and error, or, in tests,
/// closures that collect the lines.
public struct Console {
    /// Receives each line meant for standard output.
    public var printOutput: (String) -> Void
    /// Receives each line meant for standard error.
    public var printError: (String) -> Void
    /// Redraws the one status line at the bottom of a terminal (a progress line); nil when
    /// standard error is not a terminal.
    public var printStatus: ((String) -> Void)?

    public init(printOutput: @escaping (String) -> Void, printError: @escaping (String) -> Void,
                printStatus: ((String) -> Void)? = nil) {
        self.printOutput = printOutput
        self.printError = printError
        self.printStatus = printStatus
    }

    /// The process's standard output and standard error.
    public static var standard: Console {
        Console(printOutput: { print($0) },
                printError: { writeError($0 + "\n") },
                printStatus: isatty(STDERR_FILENO) == 1 ? { writeError("\r" + $0 + "\u{1B}[K") } : nil)
    }

    private static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}
