@testable import SemHiTokCLI

/// What one in-process run of `semhitok` printed and returned.
struct CommandRun {
    var status: Int32
    var output: [String]
    var errors: [String]

    var text: String { output.joined(separator: "\n") }
}

/// Runs `semhitok` with `arguments` in-process, collecting what it prints.
func run(_ arguments: String...) -> CommandRun {
    run(arguments)
}

/// Runs `semhitok` with `arguments` in-process, collecting what it prints.
func run(_ arguments: [String]) -> CommandRun {
    let output = LineCollector()
    let errors = LineCollector()
    let status = SemHiTokCommandLine.run(arguments, console: Console(printOutput: output.add, printError: errors.add))
    return CommandRun(status: status, output: output.lines, errors: errors.lines)
}

/// Collects printed lines (a class so the console's closures can append to it).
final class LineCollector: @unchecked Sendable {
    private(set) var lines: [String] = []

    func add(_ line: String) {
        lines += line.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
