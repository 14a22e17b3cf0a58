/// Classifies GoogleSQL requests: every statement's kind and the tables it reads and writes,
/// with the request's default project and dataset resolved. Pure logic over `SQLLexer` tokens.
public struct SQLAnalyzer: Sendable {
    public var defaultProject: String
    public var defaultDataset: String?

    public init(defaultProject: String, defaultDataset: String? = nil) {
        self.defaultProject = defaultProject
        self.defaultDataset = defaultDataset
    }

    /// Analyzes `sql`.
    /// - Throws: `SQLError` when the text cannot be tokenized or holds no statement.
    public func analyze(_ sql: String) throws(SQLError) -> ScriptAnalysis {
        let tokens = try SQLLexer.tokenize(sql)
        var statements: [StatementAnalysis] = []
        var procedural = false
        for segment in Self.segments(tokens) {
            var body = segment[...]
            var conditions: [ArraySlice<SQLToken>] = []
            procedural = Self.stripProcedural(&body, conditions: &conditions) || procedural
            // Conditions of IF, WHILE, FOR ... IN, UNTIL, WHEN run queries too: their tables are read.
            for condition in conditions {
                let read = reads(in: condition)
                if !read.isEmpty {
                    let range = (condition.first?.offset ?? 0)..<((condition.last?.offset ?? 0) + (condition.last?.text.utf8.count ?? 0))
                    var statement = StatementAnalysis(kind: "SELECT", reads: read, range: range)
                    statement.columns = columnUsage(of: statement, tokens: Array(condition))
                    statements.append(statement)
                }
            }
            guard !body.isEmpty else { continue }
            statements.append(classify(Array(body)))
        }
        guard !statements.isEmpty else {
            throw SQLError(offset: 0, line: 1, column: 1, reason: "no statement")
        }
        return ScriptAnalysis(statements: statements, isScript: procedural || statements.count > 1)
    }

    /// Splits on semicolons (tokens never include semicolons inside strings or comments).
    static func segments(_ tokens: [SQLToken]) -> [[SQLToken]] {
        var segments: [[SQLToken]] = [[]]
        for token in tokens {
            if token.kind == .semicolon { segments.append([]) } else { segments[segments.count - 1].append(token) }
        }
        return segments.filter { !$0.isEmpty }
    }

    /// Removes procedural scaffolding before the statement a segment holds (`BEGIN`, `IF c THEN`,
    /// `ELSE`, `WHILE c DO`, `LOOP`, `EXCEPTION WHEN ERROR THEN`, `END IF`, labels...). Returns
    /// whether anything procedural was there.
    static func stripProcedural(_ body: inout ArraySlice<SQLToken>, conditions: inout [ArraySlice<SQLToken>]) -> Bool {
        var changed = false
        while let first = body.first?.keyword {
            let second = body.dropFirst().first?.keyword
            if first == "BEGIN" && second != "TRANSACTION" {
                body = body.dropFirst()
            } else if first == "END" {
                // END, END IF, END LOOP, END WHILE, END REPEAT, END FOR, END CASE: nothing after.
                body = []
            } else if ["ELSE", "LOOP", "REPEAT", "DO"].contains(first) {
                body = body.dropFirst()
            } else if ["IF", "ELSEIF", "WHILE", "UNTIL", "WHEN", "EXCEPTION", "FOR", "CASE"].contains(first) {
                // Skip to the THEN / DO that ends the condition, at paren depth 0.
                guard let end = indexAfterKeyword(body, ["THEN", "DO"]) else {
                    if first == "UNTIL" { conditions.append(body); body = []; changed = true; continue }
                    return changed
                }
                conditions.append(body[body.startIndex..<end])
                body = body[end...]
            } else if body.count >= 2, body[body.startIndex + 1].kind == .symbol, body[body.startIndex + 1].text == ":",
                      body.first?.kind == .word {
                body = body.dropFirst(2)  // label:
            } else {
                return changed
            }
            changed = true
        }
        return changed
    }

    static func indexAfterKeyword(_ tokens: ArraySlice<SQLToken>, _ words: [String]) -> Int? {
        var depth = 0
        for index in tokens.indices {
            let token = tokens[index]
            if token.kind == .openParen { depth += 1 }
            if token.kind == .closeParen { depth -= 1 }
            if depth == 0, let keyword = token.keyword, words.contains(keyword) { return index + 1 }
        }
        return nil
    }
}
