import HrecSQL
import Testing

/// The tokenizer against ZetaSQL's (its flex grammar is the reference): each input and the
/// tokens the reference produces, or nil where the reference refuses it or where the gate
/// cannot follow it and so must refuse (fail closed). Tokens are written `kind:text`:
/// w word, q `quoted identifier` (decoded), s string, b bytes, n number, p parameter, o other.
struct LexerCase: CustomStringConvertible, Sendable {
    var sql: String
    var tokens: [String]?
    var description: String { sql.debugDescription }
}

let lexerCases: [LexerCase] = [
    // Whitespace: every character ZetaSQL skips...
    .init(sql: "SELECT\t1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{0B}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{0C}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{08}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\r1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{A0}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{2000}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{2005}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{200A}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{202F}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{205F}1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT\u{3000}1", tokens: ["w:SELECT", "n:1"]),
    // ... and the ones it refuses as illegal characters.
    .init(sql: "SELECT\u{1680}1", tokens: nil),
    .init(sql: "SELECT\u{180E}1", tokens: nil),
    .init(sql: "SELECT\u{200B}1", tokens: nil),
    .init(sql: "SELECT\u{FEFF}1", tokens: nil),
    .init(sql: "SELECT\u{2028}1", tokens: nil),
    .init(sql: "SELECT\u{85}1", tokens: nil),
    .init(sql: "SELECT\u{0}1", tokens: nil),
    .init(sql: "SELECT\u{1C}1", tokens: nil),

    // Comments: -- and # end at \r, \n or \r\n; /* */ does not nest.
    .init(sql: "SELECT a -- x\rUNION ALL SELECT b", tokens: ["w:SELECT", "w:a", "w:UNION", "w:ALL", "w:SELECT", "w:b"]),
    .init(sql: "SELECT a # x\rFROM t", tokens: ["w:SELECT", "w:a", "w:FROM", "w:t"]),
    .init(sql: "SELECT a -- x\r\nFROM t", tokens: ["w:SELECT", "w:a", "w:FROM", "w:t"]),
    .init(sql: "SELECT a -- x\nFROM t", tokens: ["w:SELECT", "w:a", "w:FROM", "w:t"]),
    .init(sql: "SELECT a -- x\u{2028}FROM t", tokens: ["w:SELECT", "w:a"]),
    .init(sql: "SELECT a -- x\u{0B}FROM t", tokens: ["w:SELECT", "w:a"]),
    .init(sql: "SELECT a -- x\u{0C}FROM t", tokens: ["w:SELECT", "w:a"]),
    .init(sql: "/* a -- */ SELECT 1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "/*/ SELECT 1 */ SELECT 2", tokens: ["w:SELECT", "n:2"]),
    .init(sql: "/* /* */ SELECT 1", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT 1 /** x **/", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT 1-- x", tokens: ["w:SELECT", "n:1"]),
    .init(sql: "SELECT 1 /* open", tokens: nil),

    // Strings: a backslash always takes the next character, raw or not.
    .init(sql: "'a\\'b'", tokens: ["s:a\\'b"]),
    .init(sql: "r'a\\'b'", tokens: ["s:a\\'b"]),
    .init(sql: "r'\\\\', 'x'", tokens: ["s:\\\\", "o:,", "s:x"]),
    .init(sql: "R\"\\\"\"", tokens: ["s:\\\""]),
    .init(sql: "'''a'b''c'''", tokens: ["s:a'b''c"]),
    .init(sql: "\"\"\"a\"b\"\"c\"\"\"", tokens: ["s:a\"b\"\"c"]),
    .init(sql: "'''a\rb'''", tokens: ["s:a\rb"]),
    .init(sql: "'''a\\''''", tokens: ["s:a\\'"]),
    .init(sql: "'''a\\'''''", tokens: nil),
    .init(sql: "''''''", tokens: ["s:"]),
    .init(sql: "''", tokens: ["s:"]),
    .init(sql: "'a\\\nb'", tokens: ["s:a\\\nb"]),
    .init(sql: "'a\rb'", tokens: nil),
    .init(sql: "'a\nb'", tokens: nil),
    .init(sql: "\"a\rb\"", tokens: nil),
    .init(sql: "'a", tokens: nil),
    .init(sql: "'''a''", tokens: nil),
    .init(sql: "b'x' B'y' rb'z' bR\"w\" Rb'''v'''", tokens: ["b:x", "b:y", "b:z", "b:w", "b:v"]),
    .init(sql: "rb 'x'", tokens: ["w:rb", "s:x"]),
    .init(sql: "xr'x'", tokens: ["w:xr", "s:x"]),
    // Two literals with nothing between them are a GoogleSQL syntax error; with space they join.
    .init(sql: "'a''b'", tokens: nil),
    .init(sql: "'a'\"b\"", tokens: nil),
    .init(sql: "'a'r'b'", tokens: nil),
    .init(sql: "b'a'b'c'", tokens: nil),
    .init(sql: "'''a''''''b'''", tokens: nil),
    .init(sql: "'a' 'b'", tokens: ["s:a", "s:b"]),
    .init(sql: "'a'/**/'b'", tokens: ["s:a", "s:b"]),

    // Backtick identifiers: no line ends, escapes decoded, unknown escapes refused.
    .init(sql: "`sh\\x6fp`.customers", tokens: ["q:shop", "o:.", "w:customers"]),
    .init(sql: "`\\u0073hop`", tokens: ["q:shop"]),
    .init(sql: "`\\U00000073hop`", tokens: ["q:shop"]),
    .init(sql: "`a\\101`", tokens: ["q:aA"]),
    .init(sql: "`a\\`b`", tokens: ["q:a`b"]),
    .init(sql: "`a\\\\b`", tokens: ["q:a\\b"]),
    .init(sql: "`a.b.c`", tokens: ["q:a.b.c"]),
    .init(sql: "`a\nb`", tokens: nil),
    .init(sql: "`a\rb`", tokens: nil),
    .init(sql: "`a\\qb`", tokens: nil),
    .init(sql: "`a\\x6`", tokens: nil),
    .init(sql: "`a\\x+6`", tokens: nil),
    .init(sql: "`a\\400`", tokens: nil),
    .init(sql: "`a\\000`", tokens: nil),
    .init(sql: "``", tokens: nil),
    .init(sql: "`a", tokens: nil),
    .init(sql: "`ſelect`", tokens: ["q:ſelect"]),
    .init(sql: "ſelect", tokens: nil),

    // After `identifier.`, digits and letters form an identifier.
    .init(sql: "shop.123abc", tokens: ["w:shop", "o:.", "w:123abc"]),
    .init(sql: "shop . 2t", tokens: ["w:shop", "o:.", "w:2t"]),
    .init(sql: "f(x).1", tokens: ["w:f", "o:(", "w:x", "o:)", "o:.", "w:1"]),

    // Numbers; a letter right after one is refused.
    .init(sql: "1 0x1F 1.5 .5 1. 1e5 1E+5 1.5e-3", tokens: ["n:1", "n:0x1F", "n:1.5", "n:.5", "n:1.", "n:1e5", "n:1E+5", "n:1.5e-3"]),
    .init(sql: "123abc", tokens: nil),
    .init(sql: "0x1G", tokens: nil),
    .init(sql: "1.5x", tokens: nil),
    .init(sql: "1_000", tokens: nil),

    // Parameters.
    .init(sql: "@x @`x y` @@dataset_id @@`a` ?", tokens: ["p:@x", "p:@x y", "p:@@dataset_id", "p:@@a", "p:?"]),
    .init(sql: "LIMIT @`param_1`", tokens: ["w:LIMIT", "p:@param_1"]),
    .init(sql: "@ x", tokens: nil),
    .init(sql: "@/**/x", tokens: nil),
    .init(sql: "@{hint=1}", tokens: nil),
    .init(sql: "@1", tokens: nil),
    .init(sql: "@", tokens: nil),

    // Operators and illegal characters.
    .init(sql: "a<=b<>c!=d||e=>f->g", tokens: ["w:a", "o:<=", "w:b", "o:<>", "w:c", "o:!=", "w:d", "o:||", "w:e", "o:=>", "w:f", "o:->", "w:g"]),
    .init(sql: "a |> b", tokens: ["w:a", "o:|>", "w:b"]),
    .init(sql: "SELECT $1", tokens: nil),
    .init(sql: "SELECT 1 \\ 2", tokens: nil),
    .init(sql: "sElEcT", tokens: ["w:sElEcT"]),
]

@Suite struct LexerConformanceTests {
    static func render(_ token: SQLToken) -> String {
        switch token.kind {
        case .word: "w:\(token.text)"
        case .quotedIdentifier: "q:\(token.text)"
        case .string: "s:\(token.text)"
        case .bytes: "b:\(token.text)"
        case .number: "n:\(token.text)"
        case .parameter: "p:\(token.text)"
        default: "o:\(token.text)"
        }
    }

    @Test(arguments: lexerCases)
    func tokenizesAsTheReferenceOrRefuses(_ testCase: LexerCase) {
        do {
            let tokens = try SQLLexer.tokenize(testCase.sql).map(Self.render)
            #expect(testCase.tokens == tokens, "\(testCase.sql.debugDescription) gave \(tokens)")
        } catch {
            #expect(testCase.tokens == nil, "\(testCase.sql.debugDescription) refused: \(error)")
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func aCarriageReturnEndsALineInErrorPositions() {
        #expect(throws: SQLError.self) { try SQLLexer.tokenize("SELECT 1 -- x\r'open") }
        do {
            _ = try SQLLexer.tokenize("SELECT 1 -- x\r'open")
        } catch {
            #expect(error.line == 2 && error.column == 1, "\(error)")
        }
    }
}
