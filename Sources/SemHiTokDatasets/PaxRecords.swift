/// The records of a pax extended header, `"<length> <key>=<value>\n"` each (POSIX.1-2001),
/// of which the reader uses `path` and `size` (Spec/datasets.md section 3.2).
struct PaxRecords {
    var path: [UInt8]?
    var size: Int?

    static func parse(_ data: [UInt8], offset: Int, archive: String) throws -> PaxRecords {
        func fail(_ detail: String) -> TarError {
            TarError(archive: archive, offset: offset, problem: .badPaxRecord(detail))
        }
        var records = PaxRecords()
        var start = 0
        while start < data.count {
            var cursor = start
            var length = 0
            while cursor < data.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[cursor]) {
                guard length <= data.count else { throw fail("record length too large") }
                length = length * 10 + Int(data[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            guard cursor > start, cursor < data.count, data[cursor] == UInt8(ascii: " ") else {
                throw fail("record at \(start) does not start with a length and a space")
            }
            let end = start + length
            guard end <= data.count, end > cursor + 1, data[end - 1] == UInt8(ascii: "\n") else {
                throw fail("record at \(start) has a length of \(length) that does not end at a newline")
            }
            let body = data[(cursor + 1)..<(end - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")), equals > body.startIndex else {
                throw fail("record at \(start) has no key=value")
            }
            let key = body[..<equals]
            let value = Array(body[(equals + 1)...])
            if key.elementsEqual("path".utf8) {
                records.path = value
            } else if key.elementsEqual("size".utf8) {
                guard !value.isEmpty, value.count <= 18,
                      value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                    throw fail("size '\(String(decoding: value, as: UTF8.self))' is not a decimal number")
                }
                let size = value.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                guard size <= TarHeader.maximumSize else { throw fail("size \(size) is too large") }
                records.size = size
            }
            start = end
        }
        return records
    }
}
