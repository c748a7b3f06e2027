import SemHiTokSupport

/// The lines of a list file or of standard input (`-`), read in chunks (Spec/datasets.md
/// section 1.2): split at `\n`, a trailing `\r` removed, empty lines skipped; each line must
/// be UTF-8 and at most `maximumLineLength` bytes.
final class LineReader {
    static let maximumLineLength = 65_535
    private let file: FileDescriptor
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0

    init(path: String) throws {
        self.path = path
        file = path == "-" ? FileDescriptor.standardInput() : try FileDescriptor.forReading(path)
    }

    func nextLine() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                if let text = try text(of: line) { return text }
                continue
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return try text(of: line)
            }
            guard buffer.count - start <= Self.maximumLineLength else {
                throw DatasetFailure(key: path, reason: "line \(lineNumber + 1) is longer than \(Self.maximumLineLength) bytes")
            }
            try fill()
        }
    }

    private func text(of line: ArraySlice<UInt8>) throws -> String? {
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.count <= Self.maximumLineLength else {
            throw DatasetFailure(key: path, reason: "line \(lineNumber) is longer than \(Self.maximumLineLength) bytes")
        }
        guard !trimmed.contains(0), let text = String(validating: trimmed, as: UTF8.self) else {
            throw DatasetFailure(key: path, reason: "line \(lineNumber) is not UTF-8 text")
        }
        return text
    }

    private func fill() throws {
        buffer.removeFirst(start)
        start = 0
        let chunk = 1 << 16
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let got = try buffer.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[old...])) }
        buffer.removeLast(chunk - got)
        if got == 0 { atEnd = true }
    }
}
