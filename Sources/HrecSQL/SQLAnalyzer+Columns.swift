extension SQLAnalyzer {
    /// Kinds whose SQL is read for the columns it names; other kinds use whole tables
    /// (`ColumnUsage.wholeTables(of:)`).
    static let columnKinds: Set<String> = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE_TABLE_AS_SELECT", "CREATE_VIEW", "CREATE_MATERIALIZED_VIEW",
        "EXPORT_DATA", "DECLARE", "SET", "ASSERT", "CONTROL",
    ]

    /// GoogleSQL's reserved keywords: never a column name unless quoted in backticks.
    static let reservedWords: Set<String> = [
        "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASSERT_ROWS_MODIFIED", "AT", "BETWEEN", "BY", "CASE", "CAST", "COLLATE",
        "CONTAINS", "CREATE", "CROSS", "CUBE", "CURRENT", "DEFAULT", "DEFINE", "DESC", "DISTINCT", "ELSE", "END", "ENUM",
        "ESCAPE", "EXCEPT", "EXCLUDE", "EXISTS", "EXTRACT", "FALSE", "FETCH", "FOLLOWING", "FOR", "FROM", "FULL", "GROUP",
        "GROUPING", "GROUPS", "HASH", "HAVING", "IF", "IGNORE", "IN", "INNER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN",
        "LATERAL", "LEFT", "LIKE", "LIMIT", "LOOKUP", "MERGE", "NATURAL", "NEW", "NO", "NOT", "NULL", "NULLS", "OF", "ON",
        "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECEDING", "PROTO", "QUALIFY", "RANGE", "RECURSIVE", "RESPECT",
        "RIGHT", "ROLLUP", "ROWS", "SELECT", "SET", "SOME", "STRUCT", "TABLESAMPLE", "THEN", "TO", "TREAT", "TRUE",
        "UNBOUNDED", "UNION", "UNNEST", "USING", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN",
    ]

    /// Words after which a bare `*` selects every column (`SELECT *`, `SELECT DISTINCT *`, `SELECT a, *`).
    static let starIntroducers: Set<String> = ["SELECT", "DISTINCT", "ALL", "STRUCT", "VALUE"]

    /// Where `statement` (the classification of `tokens`) uses columns.
    func columnUsage(of statement: StatementAnalysis, tokens: [SQLToken]) -> ColumnUsage {
        guard Self.columnKinds.contains(statement.kind) else { return .wholeTables(of: statement) }
        var usage = ColumnUsage()
        if tokens.contains(where: { $0.kind == .symbol && $0.text == "|>" }) {
            usage.unresolved.append("pipe syntax (|>) is not analysed for columns")
            return usage
        }
        let created: Set<TableRef> = statement.kind.hasPrefix("CREATE_") ? statement.writes : []
        let everyTable = statement.reads.union(statement.writes).subtracting(created).sorted()
        var scope = ColumnScope()
        let ctes = cteNames(tokens[...])
        let items = fromItems(in: tokens[...])
        for item in items { scope.add(item.table, name: item.start..<item.end, aliasAfter: item.end, in: tokens) }
        var insertsRows = false
        if ["INSERT", "UPDATE", "DELETE", "MERGE"].contains(statement.kind), let (target, end) = writeTarget(tokens) {
            scope.add(target, name: targetStart(tokens)..<end, aliasAfter: end, in: tokens)
            insertsRows = Self.writesEveryColumn(statement.kind, tokens, targetEnd: end)
            if insertsRows { usage.writesAll.insert(target) }
        }
        // Outside FROM lists, a table feeds a function whole (`ML.PREDICT(MODEL m, TABLE t)`, a
        // dataset's table function), or MERGE's `INSERT ROW` copies the whole source row.
        for item in items where item.opener == nil && (insertsRows || !(item.start > 0 && tokens[item.start - 1].isKeyword("USING"))) {
            usage.addStar([item.table])
        }
        var stars: [(Int, Set<String>)] = []  // each bare `*` and the names it excepts
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.kind == .symbol && token.text == "*", index > 0, !scope.skipped.contains(index),
               tokens[index - 1].kind == .comma || Self.starIntroducers.contains(tokens[index - 1].keyword ?? "") {
                let (after, except) = Self.exceptList(tokens, after: index + 1)
                stars.append((index, except))
                index = after
                continue
            }
            guard token.kind == .word || token.kind == .quotedIdentifier, !scope.skipped.contains(index),
                  !Self.reservedWords.contains(token.keyword ?? ""),
                  index == 0 || (tokens[index - 1].kind != .dot && !tokens[index - 1].isKeyword("AS")) else {
                index += 1
                continue
            }
            var parts = token.kind == .quotedIdentifier ? token.text.split(separator: ".").map(String.init) : [token.text]
            var end = index + 1
            var starred = false
            while end + 1 < tokens.count, tokens[end].kind == .dot {
                let next = tokens[end + 1]
                if next.kind == .word || next.kind == .quotedIdentifier {
                    parts.append(next.text)
                } else if next.kind == .symbol && next.text == "*" {
                    starred = true
                } else {
                    break
                }
                end += 2
                if starred { break }
            }
            if !starred, end < tokens.count, tokens[end].kind == .openParen {  // a function: SAFE.SUBSTR(...), NET.HOST(...)
                index = end
                continue
            }
            if parts.count == 1, !starred, ctes.contains(parts[0].uppercased()) {  // a CTE's name, not a row
                index = end
                continue
            }
            let (after, except) = starred ? Self.exceptList(tokens, after: end) : (end, [])
            // Any part may be a table's name or alias (`c.ssn`, `` `shop.customers`.ssn ``): what follows it is its column.
            for (position, part) in parts.enumerated() {
                guard let qualified = scope.qualifiers[part.uppercased()] else { continue }
                if position == parts.count - 1 {
                    usage.addStar(qualified, except: except)  // `c` or `c.*`: the whole row
                } else {
                    usage.references.append(ColumnReference(path: Array(parts[(position + 1)...]), tables: qualified.sorted()))
                }
            }
            if parts.count > 1, scope.qualifiers[parts[0].uppercased()] == nil {
                // An unknown qualifier (a CTE, subquery or UNNEST alias, or one hrec did not see): the rest is read as a column of any table.
                usage.references.append(ColumnReference(path: Array(parts.dropFirst()), tables: everyTable))
            }
            // The name read as a column of any table too: a qualifier can also be a column (a STRUCT).
            usage.references.append(ColumnReference(path: parts, tables: everyTable))
            index = after
        }
        // A bare `*` selects the tables listed directly in its SELECT's FROM (a CTE or subquery
        // there adds nothing: its own columns are counted where it selects them).
        let froms = Self.fromKeywords(ofStarsAt: stars.map(\.0), in: tokens)
        for (star, except) in stars {
            guard let from = froms[star] else { continue }
            usage.addStar(Set(items.filter { $0.opener == from }.map(\.table)), except: except)
        }
        return usage
    }

    /// For each `*` at `stars`, the index of the FROM keyword of its SELECT (at its own paren
    /// depth, before another SELECT starts there), in one pass over `tokens`.
    static func fromKeywords(ofStarsAt stars: [Int], in tokens: [SQLToken]) -> [Int: Int] {
        let starSet = Set(stars)
        var result: [Int: Int] = [:]
        var pending: [[Int]] = [[]]  // per open paren depth: the stars waiting for their FROM
        for (index, token) in tokens.enumerated() {
            if token.kind == .openParen {
                pending.append([])
            } else if token.kind == .closeParen {
                if pending.count > 1 { pending.removeLast() }
            } else if starSet.contains(index) {
                pending[pending.count - 1].append(index)
            } else if token.isKeyword("FROM") {
                for star in pending[pending.count - 1] { result[star] = index }
                pending[pending.count - 1] = []
            } else if token.isKeyword("SELECT") {
                pending[pending.count - 1] = []
            }
        }
        return result
    }

    /// After a `*` ending before `index`: the index after its `EXCEPT (a, b)` list and the
    /// (upper-cased) names it leaves out, or `index` and none.
    static func exceptList(_ tokens: [SQLToken], after index: Int) -> (Int, Set<String>) {
        guard index + 1 < tokens.count, tokens[index].isKeyword("EXCEPT"), tokens[index + 1].kind == .openParen else { return (index, []) }
        var names: Set<String> = []
        var position = index + 2
        while position < tokens.count, tokens[position].kind != .closeParen {
            let token = tokens[position]
            if token.kind == .word || token.kind == .quotedIdentifier { names.insert(token.text.uppercased()) }
            position += 1
        }
        return (position + 1, names)
    }

    /// Where the target of INSERT / UPDATE / DELETE / MERGE starts (after INTO or FROM).
    private func targetStart(_ tokens: [SQLToken]) -> Int {
        tokens.count > 1 && (tokens[1].isKeyword("INTO") || tokens[1].isKeyword("FROM")) ? 2 : 1
    }

    private func writeTarget(_ tokens: [SQLToken]) -> (TableRef, Int)? {
        path(in: tokens, at: targetStart(tokens), target: true)
    }

    /// INSERT without a column list, DELETE, and MERGE's `INSERT ROW`, `INSERT VALUES` or
    /// `THEN DELETE` write (or remove) every column of the target.
    static func writesEveryColumn(_ kind: String, _ tokens: [SQLToken], targetEnd: Int) -> Bool {
        switch kind {
        case "DELETE": return true
        case "INSERT":
            guard targetEnd < tokens.count, tokens[targetEnd].kind == .openParen else { return true }
            return targetEnd + 1 < tokens.count && (tokens[targetEnd + 1].isKeyword("SELECT") || tokens[targetEnd + 1].isKeyword("WITH"))
        case "MERGE":
            return zip(tokens, tokens.dropFirst()).contains { first, second in
                (first.isKeyword("INSERT") && (second.isKeyword("ROW") || second.isKeyword("VALUES"))) || (first.isKeyword("THEN") && second.isKeyword("DELETE"))
            }
        default: return false
        }
    }
}

/// The names a statement gives its tables: each table's own last name and its alias, and the
/// token indices those names occupy (not column references).
struct ColumnScope {
    /// Upper-cased alias or table name → the tables it names (two subqueries may reuse an alias).
    var qualifiers: [String: Set<TableRef>] = [:]
    var skipped: Set<Int> = []

    /// Non-reserved words that follow a FROM item without being its alias.
    static let notAliases: Set<String> = ["TABLESAMPLE", "PIVOT", "UNPIVOT", "FOR", "WITH", "OPTIONS", "SET", "VALUES", "ROW", "DEFAULT"]

    /// Words that end a FROM item: what follows them is no alias of it.
    static let itemEnds: Set<String> = SQLAnalyzer.fromClauseEnds.union([
        "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "ON", "USING", "SET", "WHEN", "VALUES", "SELECT", "PIVOT", "UNPIVOT",
        "MATCHED", "THEN", "WITH",
    ])

    /// Records `table`, named by the tokens `name`, and its alias: the word right after the name
    /// (`FROM t c`, `FROM t AS c`), or after `AS`, a `)` or a literal further on before the item
    /// ends (`FROM t FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP() AS c`, `TABLESAMPLE SYSTEM (10 PERCENT) c`).
    /// Taking a word for an alias that is not one only attributes more.
    mutating func add(_ table: TableRef, name: Range<Int>, aliasAfter end: Int, in tokens: [SQLToken]) {
        skipped.formUnion(name)
        if let last = table.table.split(separator: ".").last { qualifiers[last.uppercased(), default: []].insert(table) }
        var depth = 0
        var position = end
        while position < tokens.count {
            let token = tokens[position]
            if token.kind == .openParen { depth += 1 } else if token.kind == .closeParen {
                depth -= 1
                if depth < 0 { return }
            } else if depth == 0 {
                if token.kind == .comma || token.kind == .semicolon || Self.itemEnds.contains(token.keyword ?? "") { return }
                let previous = tokens[position - 1]
                let follows = position == end || previous.isKeyword("AS") || previous.kind == .closeParen
                    || previous.kind == .string || previous.kind == .number
                if follows, isAlias(token) {
                    qualifiers[token.text.uppercased(), default: []].insert(table)
                    skipped.insert(position)
                }
            }
            position += 1
        }
    }

    private func isAlias(_ token: SQLToken) -> Bool {
        let word = token.keyword ?? ""
        return token.kind == .quotedIdentifier || (token.kind == .word && !SQLAnalyzer.reservedWords.contains(word)
                                                   && !SQLAnalyzer.clauseWords.contains(word) && !Self.notAliases.contains(word))
    }
}
