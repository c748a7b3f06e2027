import SemHiTok
@testable import SemHiTokSafetensors
import TestSupport
import Testing

/// The strict JSON reader (Spec/safetensors.md section 2): every kind of value, escapes,
/// numbers, and one test per rejection with the offset the section says it is reported at.
struct JSONDocumentTests {
    @Test func readsEveryKindOfValueWithMembersInFileOrder() throws {
        let value = try parse(#"{"z":null,"y":true,"x":false,"w":-12.5e3,"v":"text","u":[1,[]],"t":{}}"#)
        let object = try #require(value.object)
        #expect(object.keys == ["z", "y", "x", "w", "v", "u", "t"])
        #expect(object["z"] == .null)
        #expect(object["y"]?.bool == true)
        #expect(object["x"]?.bool == false)
        #expect(object["w"]?.number?.text == "-12.5e3")
        #expect(object["w"]?.number?.double == -12_500)
        #expect(object["v"]?.string == "text")
        #expect(object["u"]?.array?.count == 2)
        #expect(object["u"]?.array?[1] == .array([]))
        #expect(object["t"]?.object?.members.isEmpty == true)
        #expect(object["missing"] == nil)
        #expect(object["u"]?.kindName == "an array")
    }

    /// An object of more than 16 members is looked up through a dictionary; the result is
    /// the same as the member list's.
    @Test func largeObjectsFindEveryKey() throws {
        let keys = (0..<40).map { "key\($0)" }
        let text = "{" + keys.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + "}"
        let object = try #require(try parse(text).object)
        #expect(object.keys == keys)
        for (index, key) in keys.enumerated() {
            #expect(object[key]?.number?.int64 == Int64(index), "\(key)")
        }
        #expect(object["key40"] == nil)
    }

    @Test func whitespaceMayStandAroundTheValueAndBetweenTokens() throws {
        #expect(try parse(" \t\r\n{ \"a\" :\n[ 1 , 2 ] }     ").object?["a"]?.array?.count == 2)
        #expect(try parse("7").number?.int64 == 7)
    }

    @Test func unescapesEveryEscape() throws {
        let text = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\u0000""#).string
        #expect(text.map { Array($0.unicodeScalars.map(\.value)) }
            == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x41, 0xE9, 0x20AC, 0x00])
    }

    /// A high surrogate escape followed by a low one is one scalar: U+1F600 is D83D DE00.
    @Test func joinsSurrogatePairsAndKeepsRawUTF8() throws {
        #expect(try parse(#""\ud83d\ude00""#).string?.unicodeScalars.map(\.value) == [0x1F600])
        #expect(try parse(#""\uD834\uDD1E""#).string?.unicodeScalars.map(\.value) == [0x1D11E])
        // é, €, 😀 written as 2-, 3- and 4-byte UTF-8.
        #expect(try parse([0x22, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x22]).string == "\u{E9}\u{20AC}\u{1F600}")
    }

    /// `int64` is for integer literals within Int64 only; the literal's text is kept.
    @Test func integerLiteralsWithinInt64HaveAnInt64() throws {
        #expect(try number("0").int64 == 0)
        #expect(try number("-0").int64 == 0)
        #expect(try number("9223372036854775807").int64 == Int64.max)
        #expect(try number("-9223372036854775808").int64 == Int64.min)
        #expect(try number("9223372036854775808").int64 == nil)
        #expect(try number("1.0").int64 == nil)
        #expect(try number("1e2").int64 == nil)
        #expect(try number("-1E+2").text == "-1E+2")
        #expect(try number("-1E+2").double == -100)
    }

    /// `double` is the literal rounded to nearest, ties to even.
    @Test func numbersRoundCorrectlyToDouble() throws {
        #expect(try number("0.1").double == 0.1)
        // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: the even one, 2^53.
        #expect(try number("9007199254740993").double == 9_007_199_254_740_992)
        // The largest subnormal, and the smallest, 2^-1074.
        #expect(try number("2.2250738585072011e-308").double.bitPattern == 0x000F_FFFF_FFFF_FFFF)
        #expect(try number("4.9406564584124654e-324").double == Double.leastNonzeroMagnitude)
        #expect(try number("1.7976931348623157e308").double == Double.greatestFiniteMagnitude)
        #expect(try number("1e-400").double == 0)
        #expect(try number("-0.0").double.sign == .minus)
        #expect(try number("0e99999999999999999999").double == 0)
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let limit = JSONDocument.maximumDepth
        #expect(limit == 128)
        var value = try parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        var depth = 1
        while let inner = value.array?.first {
            value = inner
            depth += 1
        }
        #expect(depth == limit)
    }

    @Test func readsCollectionsWithoutContiguousStorage() throws {
        let bytes = Array(#"{"a":[1,"b"]}"#.utf8)
        #expect(try JSONDocument.parse(bytes.lazy.map { $0 }) == JSONDocument.parse(bytes))
    }

    // MARK: - Rejections, one per reason

    @Test func rejectsInvalidUTF8AtTheFirstIllFormedSequence() {
        expectRejection([0x22, 0xC3, 0x28, 0x22], offset: 1, .invalidUTF8)  // a lead without its continuation
        expectRejection([0x22, 0x61, 0xC0, 0x80, 0x22], offset: 2, .invalidUTF8)  // overlong NUL
        expectRejection([0x22, 0xED, 0xA0, 0x80, 0x22], offset: 1, .invalidUTF8)  // the surrogate U+D800
        expectRejection([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], offset: 1, .invalidUTF8)  // above U+10FFFF
        expectRejection([0x22, 0xE2, 0x82], offset: 1, .invalidUTF8)  // cut inside a sequence
        expectRejection([0x80], offset: 0, .invalidUTF8)  // a continuation byte alone
        expectRejection([0x20, 0x31, 0xFF], offset: 2, .invalidUTF8)  // before any grammar error
    }

    @Test func rejectsAnEndWhereAValueIsExpected() {
        expectRejection("", offset: 0, .unexpectedEnd)
        expectRejection("   ", offset: 3, .unexpectedEnd)
        expectRejection("[1,", offset: 3, .unexpectedEnd)
        expectRejection(#"{"a""#, offset: 4, .unexpectedEnd)
        expectRejection("tru", offset: 3, .unexpectedEnd)
    }

    @Test func rejectsUnexpectedCharacters() {
        expectRejection("{'a':1}", offset: 1, .unexpectedCharacter(UInt8(ascii: "'")))
        expectRejection("[1 2]", offset: 3, .unexpectedCharacter(UInt8(ascii: "2")))
        expectRejection(#"{"a" 1}"#, offset: 5, .unexpectedCharacter(UInt8(ascii: "1")))
        expectRejection("[1,]", offset: 3, .unexpectedCharacter(UInt8(ascii: "]")))
        expectRejection(#"{"a":1,}"#, offset: 7, .unexpectedCharacter(UInt8(ascii: "}")))
        expectRejection("trUe", offset: 2, .unexpectedCharacter(UInt8(ascii: "U")))
        expectRejection("NaN", offset: 0, .unexpectedCharacter(UInt8(ascii: "N")))
        expectRejection("+1", offset: 0, .unexpectedCharacter(UInt8(ascii: "+")))
        expectRejection(".5", offset: 0, .unexpectedCharacter(UInt8(ascii: ".")))
        expectRejection([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], offset: 0, .unexpectedCharacter(0xEF))  // a byte order mark
        expectRejection("\u{0B}1", offset: 0, .unexpectedCharacter(0x0B))  // vertical tab is not whitespace
    }

    /// The end inside a string is reported at the string's opening quote.
    @Test func rejectsUnterminatedStrings() {
        expectRejection(#""abc"#, offset: 0, .unterminatedString)
        expectRejection(#"["a\"#, offset: 1, .unterminatedString)
        expectRejection(#""\u12"#, offset: 0, .unterminatedString)
        expectRejection(#""é\""#, offset: 0, .unterminatedString)
        // After a high surrogate, before the low one can be read.
        expectRejection(#""\ud800"#, offset: 0, .unterminatedString)
        expectRejection(#""\ud800\"#, offset: 0, .unterminatedString)
    }

    @Test func rejectsControlCharactersInStrings() {
        expectRejection("\"a\tb\"", offset: 2, .controlCharacterInString(0x09))
        expectRejection("\"\\n\n\"", offset: 3, .controlCharacterInString(0x0A))
        expectRejection([0x22, 0x00, 0x22], offset: 1, .controlCharacterInString(0x00))
    }

    @Test func rejectsInvalidEscapesAtTheirBackslash() {
        expectRejection(#""\x""#, offset: 1, .invalidEscape)
        expectRejection(#""ab\u12g4""#, offset: 3, .invalidEscape)
        expectRejection(#""\U0041""#, offset: 1, .invalidEscape)
        expectRejection(#""\u12""#, offset: 1, .invalidEscape)
        expectRejection(#""\'""#, offset: 1, .invalidEscape)
    }

    @Test func rejectsLoneSurrogatesAtTheFirstEscape() {
        expectRejection(#""\ud800""#, offset: 1, .loneSurrogate)
        expectRejection(#""\udc00""#, offset: 1, .loneSurrogate)
        expectRejection(#""\ud800\u0041""#, offset: 1, .loneSurrogate)
        expectRejection(#""a\ud800x""#, offset: 2, .loneSurrogate)
        expectRejection(#""\ud800\ud800""#, offset: 1, .loneSurrogate)
        // Found before the end of the document, which would make the string unterminated.
        expectRejection(#""\ud800x"#, offset: 1, .loneSurrogate)
    }

    @Test func rejectsNumbersThatBreakTheGrammar() {
        expectRejection("-", offset: 1, .invalidNumber)
        expectRejection("-a", offset: 1, .invalidNumber)
        expectRejection("01", offset: 1, .invalidNumber)
        expectRejection("-00", offset: 2, .invalidNumber)
        expectRejection("1.", offset: 2, .invalidNumber)
        expectRejection("1.e3", offset: 2, .invalidNumber)
        expectRejection("1e", offset: 2, .invalidNumber)
        expectRejection("[1e+]", offset: 4, .invalidNumber)
    }

    /// Out of range means rounding to an infinity; rounding to zero is a value.
    @Test func rejectsNumbersBeyondTheLargestDouble() {
        expectRejection("1e400", offset: 0, .numberOutOfRange)
        expectRejection("[-1.8e308]", offset: 1, .numberOutOfRange)
        expectRejection("1" + String(repeating: "0", count: 309), offset: 0, .numberOutOfRange)
        expectRejection("1.7976931348623159e308", offset: 0, .numberOutOfRange)
    }

    /// Keys are compared after unescaping, and by canonical equivalence: U+00E9 and
    /// U+0065 U+0301 are the same key.
    @Test func rejectsDuplicateKeysAtTheRepeatedKey() throws {
        expectRejection(#"{"a":1,"a":2}"#, offset: 7, .duplicateKey("a"))
        expectRejection(#"{"a":1,"\u0061":2}"#, offset: 7, .duplicateKey("a"))
        expectRejection(#"[{"x":{"k":1,"k":[]}}]"#, offset: 13, .duplicateKey("k"))
        expectRejection(#"{"\u00e9":1,"e\u0301":2}"#, offset: 12, .duplicateKey("e\u{301}"))
        #expect(try parse(#"{"a":{"a":1},"b":{"a":2}}"#).object?.keys == ["a", "b"])
    }

    @Test func rejectsNestingBeyondTheLimitAtTheBracket() {
        let limit = JSONDocument.maximumDepth
        expectRejection(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1),
                        offset: limit, .nestingTooDeep)
        expectRejection(String(repeating: #"{"a":"#, count: limit) + "{}" + String(repeating: "}", count: limit),
                        offset: 5 * limit, .nestingTooDeep)
    }

    @Test func rejectsAnythingAfterTheValue() {
        expectRejection("{} x", offset: 3, .trailingCharacters)
        expectRejection("{}{}", offset: 2, .trailingCharacters)
        expectRejection("1 2", offset: 2, .trailingCharacters)
        expectRejection([0x7B, 0x7D, 0x00], offset: 2, .trailingCharacters)
    }

    @Test func errorsSayWhereAndWhy() {
        #expect(JSONError(offset: 7, reason: .duplicateKey("a")).description == "byte 7: duplicate key 'a'")
        #expect(JSONError(offset: 0, reason: .unexpectedCharacter(0x7F)).description == "byte 0: unexpected byte 0x7f")
        #expect(JSONError(offset: 2, reason: .unexpectedCharacter(0x3A)).description == "byte 2: unexpected character ':'")
        #expect(JSONError(offset: 1, reason: .duplicateKey("a\u{1}'")).description == #"byte 1: duplicate key 'a\u{1}\''"#)
    }

    // MARK: - Helpers

    private func parse(_ text: String) throws -> JSONValue {
        try JSONDocument.parse(Array(text.utf8))
    }

    private func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDocument.parse(bytes)
    }

    private func number(_ literal: String) throws -> JSONNumber {
        try #require(try parse(literal).number)
    }

    private func expectRejection(_ text: String, offset: Int, _ reason: JSONError.Reason,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        expectRejection(Array(text.utf8), offset: offset, reason, sourceLocation: sourceLocation)
    }

    private func expectRejection(_ bytes: [UInt8], offset: Int, _ reason: JSONError.Reason,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: JSONError(offset: offset, reason: reason), sourceLocation: sourceLocation) {
            try JSONDocument.parse(bytes)
        }
    }
}
