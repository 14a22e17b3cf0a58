import Foundation
import HrecPolicy
import Testing

/// JSON string literals written straight into bytes read back as the text they quote.
@Suite struct JSONQuotingTests {
    func readBack(_ literal: [UInt8]) throws -> String? {
        try JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed) as? String
    }

    @Test func everyASCIIByteAndUTF8ReadsBackAsItWas() throws {
        let text = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self) + "é€𝄞 \u{2028} \"q\" \\ end"
        var literal: [UInt8] = Array("prefix".utf8)
        JSONQuoting.appendQuoted(Array(text.utf8)[...], to: &literal)
        #expect(Array(literal.prefix(6)) == Array("prefix".utf8))
        #expect(try readBack(Array(literal.dropFirst(6))) == text)
        #expect(String(decoding: JSONQuoting.quoted("a\u{1}\n\"b"), as: UTF8.self) == #""a\u0001\n\"b""#)
        #expect(JSONQuoting.quoted("") == Array(#""""#.utf8))
    }

    @Test func aLongBodyOfShortRunsBetweenQuotesIsExact() throws {
        var text = ""
        for index in 0..<20_000 { text += #"{"v":"\#(index)\t"},"# }
        #expect(try readBack(JSONQuoting.quoted(text)) == text)
    }
}
