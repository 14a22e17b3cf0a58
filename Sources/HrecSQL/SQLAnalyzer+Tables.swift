extension SQLAnalyzer {
    /// Tables read in `tokens`: the items of every FROM clause (after FROM, after JOIN, and after
    /// each comma at the clause's own depth, also after an ON or USING condition: `FROM a JOIN b
    /// ON c, d`), inside parenthesized joins (`FROM (a JOIN b USING (id))`), MERGE's USING, and
    /// `TABLE t`/`MODEL m` arguments of table functions. CTE names and built-in table functions
    /// (UNNEST, ML.PREDICT) are not tables; a dataset's own table function is read.
    func reads(in tokens: ArraySlice<SQLToken>) -> Set<TableRef> {
        Set(fromItems(in: tokens).map(\.table))
    }

    /// The tables of `reads(in:)`, each with where its name ends (an alias may follow) and the
    /// index of the FROM keyword whose list holds it (nil for MERGE's USING and table-function arguments).
    func fromItems(in tokens: ArraySlice<SQLToken>) -> [FromItem] {
        let ctes = cteNames(tokens)
        var found: [FromItem] = []
        var depth = 0
        var fromDepths: [Int] = []  // paren depths at which a FROM list is open
        var openers: [Int] = []  // the FROM keyword of each open list
        var parens: [Int] = []  // the index of each open parenthesis
        let array = Array(tokens)  // paths are read from it (one copy, not one per item)
        var index = tokens.startIndex
        while index < tokens.endIndex {
            let token = tokens[index]
            index += 1
            var item: Int?
            switch token.kind {
            case .openParen:
                depth += 1
                parens.append(index - 1)
            case .closeParen:
                depth -= 1
                _ = parens.popLast()
                while let last = fromDepths.last, last > depth { fromDepths.removeLast(); openers.removeLast() }
            case .comma:
                if fromDepths.last == depth { item = index }
            case .word:
                let word = token.keyword ?? ""
                if Self.fromClauseEnds.contains(word) {
                    while let last = fromDepths.last, last >= depth { fromDepths.removeLast(); openers.removeLast() }
                }
                // Not the FROM of EXTRACT(YEAR FROM d).
                let inExtract = parens.last.map { $0 > tokens.startIndex && tokens[$0 - 1].isKeyword("EXTRACT") } ?? false
                if word == "FROM" && !inExtract {
                    fromDepths.append(depth)
                    openers.append(index - 1)
                    item = index
                } else if word == "JOIN" {
                    item = index
                } else if word == "CALL", index - 2 >= tokens.startIndex, tokens[index - 2].text == "|>" {
                    item = index  // pipe syntax: |> CALL dataset.tvf(...)
                } else if word == "USING" {
                    if index < tokens.endIndex, tokens[index].kind != .openParen { item = index }  // MERGE ... USING t, not JOIN ... USING (cols)
                } else if (word == "TABLE" || word == "MODEL") && index - 2 >= tokens.startIndex
                            && (tokens[index - 2].kind == .openParen || tokens[index - 2].kind == .comma) {
                    item = index  // an argument of a table function (ML.PREDICT, APPENDS, VECTOR_SEARCH, ...)
                }
            default:
                break
            }
            guard var position = item else { continue }
            // A parenthesized join opens FROM lists of its own: FROM (a JOIN b ON c, d).
            var opened = 0
            while position < tokens.endIndex, tokens[position].kind == .openParen { position += 1; opened += 1 }
            if opened > 0 {
                guard position < tokens.endIndex, !(tokens[position].isKeyword("SELECT") || tokens[position].isKeyword("WITH")) else { continue }
                fromDepths += (1...opened).map { depth + $0 }
                openers += Array(repeating: openers.last ?? -1, count: opened)
            }
            let opener = (token.kind == .comma || token.isKeyword("FROM") || token.isKeyword("JOIN") || opened > 0) ? openers.last : nil
            guard let (table, end) = path(in: array, at: position - tokens.startIndex, offsetBase: tokens.startIndex, target: true) else { continue }
            if end < tokens.endIndex, tokens[end].kind == .openParen {
                // A table-valued function: one of the dataset's (a read of it) or a built-in one.
                if tokens[position].isKeyword("EXTERNAL_QUERY") && end == position + 1 {
                    // Rows from another database through a connection: a read no glob over BigQuery tables allows.
                    found.append(FromItem(table: TableRef(project: defaultProject, dataset: "_external_query", table: "*"), start: position, end: end, opener: nil))
                } else if !Self.isBuiltinTableFunction(tokens[position..<end]) {
                    found.append(FromItem(table: table, start: position, end: end, opener: nil))
                }
                continue
            }
            if !(table.dataset == (defaultDataset ?? "_") && table.project == defaultProject && ctes.contains(table.table.uppercased())
                 && !pathWasQualified(tokens, position)) {
                found.append(FromItem(table: table, start: position, end: end, opener: opener))
            }
        }
        return found
    }

    /// A table named in a FROM list (or MERGE's USING, a table function's TABLE argument).
    struct FromItem {
        var table: TableRef
        /// Token indices of its name: `start..<end`.
        var start: Int
        var end: Int
        /// The FROM keyword whose list holds it (nil outside FROM lists).
        var opener: Int?
    }

    /// Keywords that end a FROM clause at its own depth. Only these: a word that can appear inside
    /// a FROM item (`WITH OFFSET`, `CASE WHEN` in an ON condition) must not end it, or a comma
    /// after it would hide the next table.
    static let fromClauseEnds: Set<String> = [
        "WHERE", "GROUP", "HAVING", "QUALIFY", "WINDOW", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT",
    ]

    static let clauseWords: Set<String> = [
        "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "ON", "USING",
        "UNION", "INTERSECT", "EXCEPT", "WINDOW", "QUALIFY", "SET", "WHEN", "FOR", "TABLESAMPLE", "PIVOT", "UNPIVOT", "SELECT",
        "VALUES", "OPTIONS", "PARTITION", "CLUSTER", "AS", "WITH", "FROM", "INTO", "THEN", "NOT", "AND", "OR",
    ]

    /// Table-valued functions of BigQuery itself: `UNNEST(...)`, `ML.PREDICT(...)`, ... (their
    /// `TABLE`/`MODEL` arguments and subqueries are still analysed).
    static func isBuiltinTableFunction(_ name: ArraySlice<SQLToken>) -> Bool {
        let words = name.filter { $0.kind != .dot }.map { $0.text.uppercased() }
        if words.count == 1 {
            return ["UNNEST", "GAP_FILL", "APPENDS", "CHANGES", "RANGE_SESSIONIZE", "VECTOR_SEARCH",
                    "EXTERNAL_OBJECT_TRANSFORM", "GENERATE_ARRAY"].contains(words[0])
        }
        return words.count == 2 && (words[0] == "ML" || words[0] == "AI") && name.allSatisfy { $0.kind != .quotedIdentifier }
    }

    private func pathWasQualified(_ tokens: ArraySlice<SQLToken>, _ position: Int) -> Bool {
        guard position < tokens.endIndex else { return false }
        if tokens[position].kind == .quotedIdentifier && tokens[position].text.contains(".") { return true }
        return position + 1 < tokens.endIndex && tokens[position + 1].kind == .dot
    }

    /// Names defined by WITH clauses (upper-cased).
    func cteNames(_ tokens: ArraySlice<SQLToken>) -> Set<String> {
        var names: Set<String> = []
        for index in tokens.indices where index + 2 < tokens.endIndex {
            let candidate = tokens[index + 1], next = tokens[index + 2]
            let introducer = tokens[index].isKeyword("WITH") || tokens[index].isKeyword("RECURSIVE") || tokens[index].kind == .comma
            if introducer, candidate.kind == .word || candidate.kind == .quotedIdentifier, next.isKeyword("AS"),
               index + 3 < tokens.endIndex, tokens[index + 3].kind == .openParen {
                names.insert(candidate.text.uppercased())
            }
        }
        return names
    }

    /// Reads a table path (`t`, `d.t`, `p.d.t`, backticks, dashed project ids) at `index`.
    /// Returns nil when there is none or it is a function call.
    func path(in tokens: [SQLToken], at index: Int, offsetBase: Int = 0, isDataset: Bool = false, target: Bool = false) -> (TableRef, Int)? {
        var parts: [String] = []
        var position = index
        var expectPart = true
        while position < tokens.count {
            let token = tokens[position]
            if token.kind == .symbol && token.text == "*" && !parts.isEmpty
                && token.offset == tokens[position - 1].offset + tokens[position - 1].text.utf8.count {
                // An unquoted wildcard (shop.cust*, shop.*): read it as the wildcard table it would name.
                if expectPart { parts.append("*") } else { parts[parts.count - 1] += "*" }
                expectPart = false
                position += 1
                break
            } else if expectPart {
                guard token.kind == .word || token.kind == .quotedIdentifier || (token.kind == .number && !parts.isEmpty) else { break }
                if token.kind == .word, parts.isEmpty, Self.clauseWords.contains(token.keyword ?? ""), token.keyword != "TABLE" { return nil }
                parts += token.kind == .quotedIdentifier ? token.text.split(separator: ".").map(String.init) : [token.text]
                expectPart = false
                position += 1
            } else if token.kind == .dot {
                expectPart = true
                position += 1
            } else if token.kind == .symbol && token.text == "-" && position + 1 < tokens.count
                        && (tokens[position + 1].kind == .word || tokens[position + 1].kind == .number)
                        && tokens[position + 1].offset == token.offset + 1 && token.offset == tokens[position - 1].offset + tokens[position - 1].text.utf8.count {
                // An unquoted project id with dashes: my-project.dataset.table, data-287.dataset.table
                // (the lexer reads `287.` as a number: its dot separates the path).
                let pieces = tokens[position + 1].text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                parts[parts.count - 1] += "-" + pieces[0]
                parts += pieces.dropFirst().filter { !$0.isEmpty }
                if pieces.count > 1 && pieces.last == "" { expectPart = true }
                position += 2
            } else {
                break
            }
        }
        guard !parts.isEmpty, !expectPart else { return nil }
        if !target, position < tokens.count, tokens[position].kind == .openParen { return nil }  // UNNEST(...), table functions
        return (resolve(parts, isDataset: isDataset), position + offsetBase)
    }

    /// Qualifies a path with the default project and dataset.
    func resolve(_ parts: [String], isDataset: Bool = false) -> TableRef {
        if isDataset {
            return parts.count >= 2 ? TableRef(project: parts[0], dataset: parts[1], table: "*")
                                    : TableRef(project: defaultProject, dataset: parts[0], table: "*")
        }
        if let schema = parts.firstIndex(where: { $0.caseInsensitiveEquals("INFORMATION_SCHEMA") }) {
            let table = parts[schema...].joined(separator: ".")
            switch schema {
            case 0: return TableRef(project: defaultProject, dataset: defaultDataset ?? "_", table: table)
            case 1: return TableRef(project: defaultProject, dataset: parts[0], table: table)
            default: return TableRef(project: parts[0], dataset: parts[1], table: table)
            }
        }
        switch parts.count {
        case 1: return TableRef(project: defaultProject, dataset: defaultDataset ?? "_", table: parts[0])
        case 2: return TableRef(project: defaultProject, dataset: parts[0], table: parts[1])
        default: return TableRef(project: parts[0], dataset: parts[1], table: parts[2...].joined(separator: "."))
        }
    }
}
