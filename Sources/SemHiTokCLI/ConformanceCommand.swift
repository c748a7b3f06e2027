import SemHiTok

/// `semhitok conformance DIR`: runs every golden case below DIR and reports each failure
/// (Spec/conformance.md section 3). Exits 0 only if every case passed.
enum ConformanceCommand {
    /// The options `conformance` takes.
    enum Options {
        static let verbose = Flag("--verbose", help: "also print 'ok CASE' for each passing case, with the measured errors "
                                      + "of the model cases' float checks")
    }

    static let spec = CommandSpec(
        name: "conformance",
        summary: "Run the golden cases in a folder and report every failure.",
        details: """
            Runs every .shw case file below DIR (for example golden/quantization), prints
            one line per failure with the case, the check and the position, and ends with
            'N passed, N failed'. The exit status is 0 only if no case failed.
            """,
        positionals: PositionalArguments("DIR"), options: [Options.verbose], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let directory = arguments.positionals[0]
        let verbose = arguments[Options.verbose]
        var passed = 0
        var failed = 0
        for name in try ConformanceRunner.caseFiles(in: directory) {
            let result = ConformanceRunner.run(caseNamed: name, in: directory)
            if result.isFixture {
                if verbose { console.printOutput("skip \(name) (a fixture: no case.kind)") }
            } else if result.passed {
                passed += 1
                if verbose {
                    console.printOutput("ok \(name)")
                    result.reports.forEach { console.printOutput("   \($0)") }
                }
            } else {
                failed += 1
                result.failures.forEach { console.printOutput("FAIL \(name): \($0)") }
            }
        }
        console.printOutput("\(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }
}
