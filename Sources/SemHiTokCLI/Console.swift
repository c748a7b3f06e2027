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

    public init(printOutput: @escaping (String) -> Void, printError: @escaping (String) -> Void) {
        self.printOutput = printOutput
        self.printError = printError
    }

    /// The process's standard output and standard error.
    public static var standard: Console {
        Console(printOutput: { print($0) },
                printError: { line in
                    var bytes = Array((line + "\n").utf8)
                    _ = write(STDERR_FILENO, &bytes, bytes.count)
                })
    }
}
