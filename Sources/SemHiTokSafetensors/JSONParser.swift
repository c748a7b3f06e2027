/// A recursive-descent parser of one JSON document (RFC 8259) over bytes in memory, with
/// the checks of Spec/safetensors.md section 2. Errors are raised where the first problem
/// is found, scanning from the start, so the offset and reason are the same on every run.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The value of the document `bytes`, which must be well-formed UTF-8 and hold exactly
    /// one value, with whitespace around it.
    static func parseDocument(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        if let offset = UTF8Validation.firstInvalidOffset(bytes) {
            throw JSONError(offset: offset, reason: .invalidUTF8)
        }
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error(.trailingCharacters) }
        return value
    }

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case let byte: throw error(.unexpectedCharacter(byte))
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONObject {
        try enterNesting()
        var members: [(key: String, value: JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return JSONObject(uniqueMembers: members)
        }
        while true {
            skipWhitespace()
            let keyOffset = position
            guard try peek() == UInt8(ascii: "\"") else { throw error(.unexpectedCharacter(bytes[position])) }
            let key = try parseString()
            // A Swift set compares strings by canonical equivalence, so keys that differ
            // only in Unicode normalisation are duplicates too: they would be one key in
            // any dictionary built from the object.
            guard keys.insert(key).inserted else { throw JSONError(offset: keyOffset, reason: .duplicateKey(key)) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            if try endOfList(closing: UInt8(ascii: "}")) { break }
        }
        depth -= 1
        return JSONObject(uniqueMembers: members)
    }

    private mutating func parseArray() throws(JSONError) -> [JSONValue] {
        try enterNesting()
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if try endOfList(closing: UInt8(ascii: "]")) { break }
        }
        depth -= 1
        return elements
    }

    /// Steps into an array or object at the current `[` or `{`.
    private mutating func enterNesting() throws(JSONError) {
        depth += 1
        guard depth <= JSONDocument.maximumDepth else { throw error(.nestingTooDeep) }
        position += 1
    }

    /// After an element: consumes `,` (false: another element follows) or `closing` (true).
    private mutating func endOfList(closing: UInt8) throws(JSONError) -> Bool {
        let byte = try peek()
        guard byte == UInt8(ascii: ",") || byte == closing else { throw error(.unexpectedCharacter(byte)) }
        position += 1
        return byte == closing
    }

    /// The string whose opening quote is at `position`, unescaped.
    private mutating func parseString() throws(JSONError) -> String {
        let opening = position
        position += 1
        let start = position
        // Most strings have no escape: they are taken from the bytes as they are.
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
            case UInt8(ascii: "\\"):
                return try parseEscapedString(opening: opening, start: start)
            case let byte where byte < 0x20:
                throw error(.controlCharacterInString(byte))
            default:
                position += 1
            }
        }
        throw JSONError(offset: opening, reason: .unterminatedString)
    }

    /// The rest of a string that has an escape at `position`; `start` is where its
    /// characters begin.
    private mutating func parseEscapedString(opening: Int, start: Int) throws(JSONError) -> String {
        var text = Array(bytes[start..<position])
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &text, opening: opening)
            case let byte where byte < 0x20:
                throw error(.controlCharacterInString(byte))
            case let byte:
                text.append(byte)
                position += 1
            }
        }
        throw JSONError(offset: opening, reason: .unterminatedString)
    }

    /// Appends the character the escape at `position` stands for, as UTF-8.
    private mutating func appendEscape(to text: inout [UInt8], opening: Int) throws(JSONError) {
        let escape = position
        guard position + 1 < bytes.count else { throw JSONError(offset: opening, reason: .unterminatedString) }
        let simple: UInt8? = switch bytes[position + 1] {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/"): 0x2F
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            text.append(simple)
            position += 2
            return
        }
        guard bytes[position + 1] == UInt8(ascii: "u") else { throw JSONError(offset: escape, reason: .invalidEscape) }
        let unit = try codeUnit(escape: escape, opening: opening)
        let value: UInt32
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate counts only with a low surrogate escaped right after it. The
            // document ending before that can be told is an unterminated string, as
            // anywhere else in a string.
            let remaining = bytes.count - position
            if remaining == 0 || (remaining == 1 && bytes[position] == UInt8(ascii: "\\")) {
                throw JSONError(offset: opening, reason: .unterminatedString)
            }
            guard remaining >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw JSONError(offset: escape, reason: .loneSurrogate)
            }
            let low = try codeUnit(escape: position, opening: opening)
            guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(offset: escape, reason: .loneSurrogate) }
            value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONError(offset: escape, reason: .loneSurrogate)
        default:
            value = UInt32(unit)
        }
        // Every value left is a scalar: surrogates were paired or refused above.
        UTF8.encode(Unicode.Scalar(value)!) { text.append($0) }
    }

    /// The UTF-16 code unit of the `\uXXXX` escape at `escape`, which `position` is at;
    /// moves past it.
    private mutating func codeUnit(escape: Int, opening: Int) throws(JSONError) -> UInt16 {
        var unit: UInt16 = 0
        for offset in (escape + 2)..<(escape + 6) {
            guard offset < bytes.count else { throw JSONError(offset: opening, reason: .unterminatedString) }
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONError(offset: escape, reason: .invalidEscape)
            }
            unit = unit << 4 | UInt16(digit)
        }
        position = escape + 6
        return unit
    }

    /// The number at `position`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(at: position) else { throw error(.invalidNumber) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            guard !isDigit(at: position) else { throw error(.invalidNumber) }
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(at: position) else { throw error(.invalidNumber) }
            skipDigits()
        }
        var hasExponent = false
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            hasExponent = true
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard isDigit(at: position) else { throw error(.invalidNumber) }
            skipDigits()
        }
        let number = JSONNumber(text: String(decoding: bytes[start..<position], as: UTF8.self))
        // Without an exponent, a literal of fewer than 309 characters is below 10^308, so
        // only the others need converting to find out.
        if hasExponent || position - start > 300, !number.double.isFinite {
            throw JSONError(offset: start, reason: .numberOutOfRange)
        }
        return number
    }

    private func isDigit(at offset: Int) -> Bool {
        offset < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset])
    }

    private mutating func skipDigits() {
        while isDigit(at: position) { position += 1 }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in text {
            guard position < bytes.count else { throw error(.unexpectedEnd) }
            guard bytes[position] == byte else { throw error(.unexpectedCharacter(bytes[position])) }
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        let found = try peek()
        guard found == byte else { throw error(.unexpectedCharacter(found)) }
        position += 1
    }

    /// The byte at `position`; the end of the document there is *unexpected end*.
    private func peek() throws(JSONError) -> UInt8 {
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        return bytes[position]
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func error(_ reason: JSONError.Reason) -> JSONError {
        JSONError(offset: position, reason: reason)
    }
}
