/// Shell-style globs over names: `*` any run of characters (dots included), `?` one
/// character; case-insensitive by default (BigQuery kinds and emails are compared without case).
public struct Glob: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]
    /// Whether case counts (dataset and table names are case-sensitive in BigQuery: an allow rule
    /// over `*.shop.*` must not also allow a dataset `SHOP`).
    public let caseSensitive: Bool

    public init(_ pattern: String, caseSensitive: Bool = false) {
        self.pattern = pattern
        self.caseSensitive = caseSensitive
        characters = Array(caseSensitive ? pattern : pattern.lowercased())
    }

    public var description: String { pattern }

    /// Whether `text` matches.
    public func matches(_ text: String) -> Bool {
        let subject = Array(caseSensitive ? text : text.lowercased())
        var p = 0, s = 0, star = -1, mark = 0
        while s < subject.count {
            if p < characters.count && (characters[p] == "?" || characters[p] == subject[s]) {
                p += 1; s += 1
            } else if p < characters.count && characters[p] == "*" {
                star = p; mark = s; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; s = mark
            } else {
                return false
            }
        }
        while p < characters.count && characters[p] == "*" { p += 1 }
        return p == characters.count
    }

    /// Whether any of `patterns` matches `text`.
    public static func any(_ patterns: [String], match text: String) -> Bool {
        patterns.contains { Glob($0).matches(text) }
    }
}

extension Glob {
    /// Whether every name of the wildcard table `prefix*` matches this glob: some prefix of
    /// `prefix` is matched by the pattern up to a final `*` (which then covers the rest).
    public func covers(wildcardPrefix prefix: String) -> Bool {
        guard pattern.hasSuffix("*") else { return false }
        let head = Glob(String(pattern.dropLast()), caseSensitive: caseSensitive)
        let characters = Array(prefix)
        return (0...characters.count).contains { head.matches(String(characters[0..<$0])) }
    }

    /// Whether some name of the wildcard table `prefix*` matches this glob: the pattern up to
    /// some point matches `prefix`, and the rest of it can match a table name's end (text
    /// without a dot: the `*` of a wildcard table never reaches into another dataset).
    public func overlaps(wildcardPrefix prefix: String) -> Bool {
        (0...pattern.count).contains { split in
            !pattern.dropFirst(split).contains(".") && Glob(String(pattern.prefix(split)), caseSensitive: caseSensitive).matches(prefix)
        }
    }

    /// Whether this glob can match a qualified table name (`project.dataset.table`: two dots).
    public var canMatchQualifiedTable: Bool {
        pattern.contains("*") || pattern.filter { $0 == "." || $0 == "?" }.count >= 2
    }
}
