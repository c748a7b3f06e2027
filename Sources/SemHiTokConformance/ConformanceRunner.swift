import Foundation
import SemHiTokFormats
import SemHiTokSupport

/// Runs golden cases (Spec/conformance.md section 3): finds the case files below a folder
/// and checks each one, reporting failures by case, check and position.
public enum ConformanceRunner {
    /// The outcome of one case.
    public struct CaseResult: Sendable {
        /// The case's path relative to the folder that was run.
        public let name: String
        /// One line per failed check or position; empty when the case passed.
        public let failures: [String]
        /// Lines measuring the case's checks within a tolerance (the model's float errors).
        public var reports: [String] = []
        /// True for a readable weight container without `case.kind`: a fixture that other
        /// tests use, not a case.
        public var isFixture = false

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
    /// unknown, fails with the reason; a readable file without `case.kind` is a fixture.
    public static func run(caseNamed name: String, in directory: String) -> CaseResult {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        do {
            let file = try WeightFile(contentsOf: path)
            guard file.config["case.kind"] != nil else { return CaseResult(name: name, failures: [], isFixture: true) }
            let kind = try file.string("case.kind")
            let version = try file.int("case.version")
            guard version == 1 else { return CaseResult(name: name, failures: ["unsupported case.version \(version)"]) }
            if QuantizationCase.kinds.contains(kind) {
                return CaseResult(name: name, failures: try QuantizationCase.run(file, kind: kind))
            }
            if PreprocessingCase.kinds.contains(kind) {
                return CaseResult(name: name, failures: try PreprocessingCase.run(file, kind: kind))
            }
            if kind == ModelCase.kind {
                let (failures, reports) = try ModelCase.run(file)
                return CaseResult(name: name, failures: failures, reports: reports)
            }
            return CaseResult(name: name, failures: ["unknown case.kind '\(kind)'"])
        } catch {
            return CaseResult(name: name, failures: ["\(error)"])
        }
    }
}
