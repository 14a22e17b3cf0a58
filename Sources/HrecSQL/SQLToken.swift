/// One token of GoogleSQL text.
public struct SQLToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An unquoted word: a keyword or an identifier (case-insensitive).
        case word
        /// A backtick-quoted identifier; `text` is its content (may hold dots: `p.d.t`).
        case quotedIdentifier
        /// A string literal (any quoting, raw or not); `text` is its content as written.
        case string
        /// A bytes literal (`b'...'`, `rb"..."`).
        case bytes
        case number
        /// `@name`, `@@system_variable` or `?`.
        case parameter
        /// Any operator or punctuation other than the ones below.
        case symbol
        case dot, comma, semicolon, openParen, closeParen
    }

    public var kind: Kind
    public var text: String
    /// Byte offset in the SQL text.
    public var offset: Int

    /// Upper-cased word, for keyword tests (nil unless `kind == .word`).
    public var keyword: String? { kind == .word ? text.uppercased() : nil }

    public func isKeyword(_ word: String) -> Bool { kind == .word && text.caseInsensitiveEquals(word) }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && uppercased() == other.uppercased()
    }
}

/// SQL that cannot be read: where and why.
public struct SQLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "SQL error at line \(line), column \(column): \(reason)" }
}
