import Foundation

/// Runs golden cases (Spec/conformance.md section 3): finds the case files below a folder
/// and checks each one, reporting failures by case, check and position.
public enum ConformanceRunner {
    /// The outcome of one case.
    public struct CaseResult: Sendable {
        /// The case's path relative to the folder that was run.
        public let name: String
        /// One line per failed check or position; empty when the case passed.
        public let failures: [String]

        public var passed: Bool { failures.isEmpty }
    }

    /// The relative paths of every `.shw` file below `directory`, in byte order.
    public static func caseFiles(in directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileSystemError(path: directory, message: "not a directory")
        }
        let paths = try FileManager.default.subpathsOfDirectory(atPath: directory)
        return paths.filter { $0.hasSuffix(".shw") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Runs the case at `directory/name`; a file that cannot be read, or whose kind is
    /// unknown, fails with the reason.
    public static func run(caseNamed name: String, in directory: String) -> CaseResult {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        do {
            let file = try WeightFile(contentsOf: path)
            let kind = try file.string("case.kind")
            let version = try file.int("case.version")
            guard version == 1 else { return CaseResult(name: name, failures: ["unsupported case.version \(version)"]) }
            if QuantizationCase.kinds.contains(kind) {
                return CaseResult(name: name, failures: try QuantizationCase.run(file, kind: kind))
            }
            return CaseResult(name: name, failures: ["unknown case.kind '\(kind)'"])
        } catch {
            return CaseResult(name: name, failures: ["\(error)"])
        }
    }
}
