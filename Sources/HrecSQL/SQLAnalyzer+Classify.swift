extension SQLAnalyzer {
    /// Objects of CREATE / DROP / ALTER, longest first, and the kind suffix each gives.
    static let objects: [([String], String)] = [
        (["ALL", "ROW", "ACCESS", "POLICIES"], "ROW_ACCESS_POLICY"), (["ROW", "ACCESS", "POLICY"], "ROW_ACCESS_POLICY"),
        (["AGGREGATE", "FUNCTION"], "FUNCTION"), (["TABLE", "FUNCTION"], "TABLE_FUNCTION"),
        (["MATERIALIZED", "VIEW"], "MATERIALIZED_VIEW"), (["SNAPSHOT", "TABLE"], "SNAPSHOT_TABLE"),
        (["EXTERNAL", "TABLE"], "EXTERNAL_TABLE"), (["SEARCH", "INDEX"], "SEARCH_INDEX"), (["VECTOR", "INDEX"], "VECTOR_INDEX"),
        (["TABLE"], "TABLE"), (["VIEW"], "VIEW"), (["SCHEMA"], "SCHEMA"), (["DATABASE"], "SCHEMA"), (["FUNCTION"], "FUNCTION"),
        (["PROCEDURE"], "PROCEDURE"), (["MODEL"], "MODEL"), (["CAPACITY"], "CAPACITY"), (["RESERVATION"], "RESERVATION"),
        (["ASSIGNMENT"], "ASSIGNMENT"), (["CONNECTION"], "CONNECTION"),
    ]

    /// Statement verbs that make a WITH statement something other than a query.
    static let notQueryWords: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "DROP", "ALTER", "EXPORT", "LOAD", "CALL"]

    /// The keywords of `tokens` outside any parentheses.
    static func topLevelWords(_ tokens: [SQLToken]) -> [String] {
        var depth = 0
        var words: [String] = []
        for token in tokens {
            if token.kind == .openParen { depth += 1 } else if token.kind == .closeParen { depth -= 1 } else if depth == 0, let word = token.keyword { words.append(word) }
        }
        return words
    }

    /// System variables that change how unqualified names resolve.
    static let resolutionVariables: Set<String> = ["@@dataset_id", "@@dataset_project_id", "@@project_id"]

    /// Classifies one statement (procedural scaffolding already removed), with its column usage.
    func classify(_ tokens: [SQLToken]) -> StatementAnalysis {
        var statement = classifyTables(tokens)
        statement.columns = columnUsage(of: statement, tokens: tokens)
        return statement
    }

    /// The statement's kind and the tables it reads and writes.
    private func classifyTables(_ tokens: [SQLToken]) -> StatementAnalysis {
        let range = (tokens.first?.offset ?? 0)..<((tokens.last?.offset ?? 0) + (tokens.last?.text.utf8.count ?? 0))
        var statement = StatementAnalysis(kind: "UNKNOWN", range: range)
        guard let first = tokens.first else { return statement }
        if first.kind == .openParen {
            statement.kind = "SELECT"
            statement.reads = reads(in: tokens[...])
            return statement
        }
        guard let keyword = first.keyword else { return statement }
        let rest = tokens.dropFirst()
        switch keyword {
        case "SELECT", "WITH", "FROM":  // FROM: a pipe-syntax query (FROM t |> WHERE ...)
            statement.kind = "SELECT"
            statement.reads = reads(in: tokens[...])
            // WITH ... followed by anything but a query is not something GoogleSQL runs as a query: not checkable.
            if keyword == "WITH", Self.topLevelWords(tokens).contains(where: { Self.notQueryWords.contains($0) }) { statement.kind = "UNKNOWN" }
        case "INSERT", "UPDATE", "DELETE", "MERGE":
            statement.kind = keyword
            var index = rest.startIndex
            if index < tokens.endIndex, let word = tokens[index].keyword, word == "INTO" || word == "FROM" { index += 1 }
            if let (target, end) = path(in: tokens, at: index, target: true) {
                statement.writes = [target]
                statement.reads = reads(in: tokens[end...])
            }
        case "TRUNCATE":
            statement.kind = "TRUNCATE_TABLE"
            if rest.first?.isKeyword("TABLE") == true, let (target, _) = path(in: tokens, at: rest.startIndex + 1) { statement.writes = [target] }
        case "CREATE", "DROP", "ALTER":
            classifyDefinition(keyword, tokens, into: &statement)
        case "EXPORT":
            statement.kind = rest.first?.isKeyword("DATA") == true ? "EXPORT_DATA" : (rest.first?.isKeyword("MODEL") == true ? "EXPORT_MODEL" : "UNKNOWN")
            statement.reads = reads(in: tokens[...])
        case "LOAD":
            guard rest.first?.isKeyword("DATA") == true else { break }
            statement.kind = "LOAD_DATA"
            var index = rest.startIndex + 1
            while index < tokens.endIndex, let word = tokens[index].keyword, ["INTO", "OVERWRITE", "TEMP", "TEMPORARY", "TABLE"].contains(word) { index += 1 }
            if let (target, _) = path(in: tokens, at: index) { statement.writes = [target] }
        case "GRANT", "REVOKE":
            statement.kind = keyword
            if let on = SQLAnalyzer.indexAfterKeyword(tokens[...], ["ON"]) {
                var index = on
                if index < tokens.endIndex, tokens[index].kind == .word, index + 1 < tokens.endIndex,
                   tokens[index + 1].kind == .word || tokens[index + 1].kind == .quotedIdentifier { index += 1 }  // resource type
                if let (target, _) = path(in: tokens, at: index) {
                    statement.writes = [tokens[on].isKeyword("SCHEMA") ? TableRef(project: target.project, dataset: target.table == "*" ? target.dataset : target.table, table: "*") : target]
                }
            }
        case "CALL":
            statement.kind = "CALL"
            statement.reads = reads(in: tokens[...])
        case "EXECUTE":
            statement.kind = rest.first?.isKeyword("IMMEDIATE") == true ? "EXECUTE_IMMEDIATE" : "UNKNOWN"
        case "DECLARE", "SET", "ASSERT":
            statement.kind = keyword
            // SET @@dataset_id / @@dataset_project_id change how later names resolve: not checkable.
            if keyword == "SET", tokens.contains(where: { $0.kind == .parameter && Self.resolutionVariables.contains($0.text.lowercased()) }) {
                statement.kind = "UNKNOWN"
                return statement
            }
            statement.reads = reads(in: tokens[...])
        case "BEGIN":
            statement.kind = "BEGIN_TRANSACTION"
        case "COMMIT", "ROLLBACK":
            statement.kind = "\(keyword)_TRANSACTION"
        case "RAISE", "RETURN", "BREAK", "LEAVE", "CONTINUE", "ITERATE":
            statement.kind = "CONTROL"
            // RAISE USING MESSAGE = (SELECT ...) carries data out: the tables after the `=` are read.
            statement.reads = reads(in: tokens.drop { !($0.kind == .symbol && $0.text == "=") })
        default:
            break
        }
        return statement
    }

    private func classifyDefinition(_ verb: String, _ tokens: [SQLToken], into statement: inout StatementAnalysis) {
        var index = 1
        func skip(_ words: [String]) {
            while index < tokens.count, let word = tokens[index].keyword, words.contains(word) { index += 1 }
        }
        skip(["OR", "REPLACE", "TEMP", "TEMPORARY"])
        var object: String?
        for (words, name) in Self.objects where index + words.count <= tokens.count {
            if zip(words, tokens[index..<index + words.count]).allSatisfy({ $0.1.isKeyword($0.0) }) {
                object = name
                index += words.count
                break
            }
        }
        guard let object else { return }
        statement.kind = "\(verb)_\(object)"
        skip(["IF", "NOT", "EXISTS"])
        if object == "ROW_ACCESS_POLICY" || object == "SEARCH_INDEX" || object == "VECTOR_INDEX" {
            guard let on = SQLAnalyzer.indexAfterKeyword(tokens[index...], ["ON"]), let (table, _) = path(in: tokens, at: on, target: true) else { return }
            statement.writes = [table]
            statement.reads = reads(in: tokens[on...]).subtracting([table])
            return
        }
        guard let (target, end) = path(in: tokens, at: index, isDataset: object == "SCHEMA", target: true) else { return }
        statement.writes = [target]
        let tail = tokens[end...]
        statement.reads = reads(in: tail)
        for source in ["CLONE", "COPY", "LIKE"] {
            if let at = tail.firstIndex(where: { $0.isKeyword(source) }), let (table, _) = path(in: tokens, at: at + 1) {
                statement.reads.insert(table)
            }
        }
        if verb == "CREATE" && object == "TABLE" && tail.contains(where: { $0.isKeyword("AS") }) && tail.contains(where: { $0.isKeyword("SELECT") }) {
            statement.kind = "CREATE_TABLE_AS_SELECT"
        }
    }
}
