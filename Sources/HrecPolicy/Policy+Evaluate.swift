import HrecSQL

extension Policy {
    /// Decides on a request. Statements of unknown or dynamic kind are always denied (fail closed).
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        var matches: [RuleMatch] = []
        var action = Action.allow
        var message = ""
        // A rule's own words say more than the default's: they replace a default message of the same action.
        var messageFromDefault = false
        var cap: UInt64?
        var reviewRule: Rule?
        var outside: [RuleMatch] = []
        if request.statements.isEmpty {
            return PolicyDecision(action: .deny, matches: [RuleMatch(rule: "hrec:empty", action: "deny", statement: 0, reason: "no statement")],
                                  message: "the request holds no statement hrec can check", maximumBytesBilled: nil)
        }
        for (index, statement) in request.statements.enumerated() {
            if statement.kind == "UNKNOWN" || statement.kind == "EXECUTE_IMMEDIATE" {
                let reason = statement.kind == "UNKNOWN" ? "the statement could not be classified" : "dynamic SQL cannot be checked before it runs"
                matches.append(RuleMatch(rule: "hrec:unclassified", action: "deny", statement: index, reason: reason))
                if action < .deny || message.isEmpty { message = "hrec cannot check statement \(index + 1) (\(statement.kind)): \(reason)" }
                action = .deny
                continue
            }
            var statementMatches: [(Rule, String)] = []
            var statementOutside: [RuleMatch] = []
            // Columns are resolved once per statement, and only when a rule looks at them.
            let columns = hasColumnConditions ? ColumnResolver.resolve(statement.columnUsage, schemas: request.schemas) : nil
            for rule in rules {
                switch match(rule, statement: statement, request: request, columns: columns) {
                case let .applies(reason): statementMatches.append((rule, reason))
                case let .outside(reason):
                    statementOutside.append(RuleMatch(rule: rule.id, action: rule.action.rawValue, statement: index, reason: reason))
                case .skips: break
                }
            }
            outside += statementOutside
            if statementMatches.isEmpty {
                matches.append(RuleMatch(rule: "default", action: defaultAction.rawValue, statement: index,
                                         reason: "no rule matched \(statement.kind); the default is \(defaultAction.rawValue)"))
                if defaultAction > action || (defaultAction == action && message.isEmpty && defaultAction != .allow) {
                    message = defaultMessage ?? "no policy rule allows \(statement.kind) (default \(defaultAction.rawValue))"
                    messageFromDefault = true
                    if let first = statementOutside.first {
                        message += " (rule \(first.rule) does not apply: statement \(index + 1) \(first.reason))"
                    }
                }
                action = max(action, defaultAction)
                continue
            }
            for (rule, reason) in statementMatches {
                matches.append(RuleMatch(rule: rule.id, action: rule.action.rawValue, statement: index, reason: reason))
            }
            let strongest = statementMatches.map(\.0.action).max() ?? .allow
            if case let (rule, reason)? = statementMatches.first(where: { $0.0.action == strongest }),
               strongest > action || (strongest == action && (message.isEmpty || messageFromDefault)) {
                messageFromDefault = false
                // A byte limit applied for want of an estimate says so, not what the rule says of large scans.
                let unestimated = rule.minBytes.map { "no byte estimate available (fail closed; the rule's limit is \($0) bytes)" }
                var why = reason.contains("no byte estimate available") ? unestimated : nil
                if let marker = reason.range(of: Self.unresolvedMarker) {
                    why = "the statement's columns could not be resolved, so the rule applies (fail closed): " + reason[marker.upperBound...]
                }
                switch strongest {
                case .deny: message = "rule \(rule.id): \(why ?? rule.message ?? "denied")"
                case .review:
                    message = "rule \(rule.id) requires approval: \(why ?? rule.message ?? "ask an approver (hrec approvals list)")"
                    reviewRule = rule
                case .allow: break
                }
            }
            action = max(action, strongest)
            for (rule, _) in statementMatches where rule.action == .allow {
                if let limit = rule.maximumBytesBilled { cap = min(cap ?? limit, limit) }
            }
        }
        if action == .allow { message = "allowed" }
        var decision = PolicyDecision(action: action, matches: matches, message: message, maximumBytesBilled: action == .allow ? cap : nil,
                                      reviewRule: action == .review ? reviewRule : nil)
        decision.outside = outside
        return decision
    }

    /// Whether `rule` applies to `statement`, and why (or which table fell outside it).
    ///
    /// Table conditions differ by action (fail closed both ways): for `deny` and `review` one
    /// matching table is enough; for `allow` every table the statement reads or writes must lie
    /// inside the rule's globs (`tables`, `reads` and `writes` together), and each condition
    /// given must cover all the tables of its sort (at least one). A wildcard table
    /// (`shop.cust*`) is inside a glob only when every table it can name is, and touches a glob
    /// when any can.
    func match(_ rule: Rule, statement: StatementAnalysis, request: PolicyRequest, columns: ResolvedColumns?) -> RuleOutcome {
        var reasons: [String] = []
        if !rule.kinds.isEmpty {
            guard Glob.any(rule.kinds, match: statement.kind) else { return .skips }
            reasons.append("kind \(statement.kind)")
        }
        if !rule.principals.isEmpty {
            let names = [request.email, request.subject].compactMap { $0 }
            guard let name = names.first(where: { Glob.any(rule.principals, match: $0) }) else { return .skips }
            reasons.append("principal \(name)")
        }
        if !rule.groups.isEmpty {
            guard let group = request.groups.first(where: { Glob.any(rule.groups, match: $0) }) else { return .skips }
            reasons.append("group \(group)")
        }
        let reads = statement.reads.sorted(), writes = statement.writes.sorted()
        let touched = Array(Set(reads + writes)).sorted()
        let conditions: [(globs: [String], tables: [TableRef], verb: String)] = [
            (rule.tables, touched, "touches"), (rule.reads, reads, "reads"), (rule.writes, writes, "writes"),
        ]
        for (globs, tables, verb) in conditions where !globs.isEmpty {
            if rule.action == .allow {
                guard !tables.isEmpty else { return .skips }
                if let outside = tables.first(where: { !Self.table($0, inside: globs) }) {
                    return .outside("\(verb) \(outside), outside \(globs.joined(separator: ", "))")
                }
                reasons.append("\(verb) only \(tables.map(\.description).joined(separator: ", "))")
            } else {
                guard let table = tables.first(where: { Self.table($0, touches: globs) }) else { return .skips }
                reasons.append("\(verb) \(table)")
            }
        }
        let territory = rule.tables + rule.reads + rule.writes
        if rule.action == .allow, !territory.isEmpty, let outside = touched.first(where: { !Self.table($0, inside: territory) }) {
            let verb = reads.contains(outside) ? "reads" : "writes"
            return .outside("\(verb) \(outside), outside the rule's tables (\(territory.joined(separator: ", ")))")
        }
        if let minimum = rule.minBytes {
            if request.estimatePending { return .skips }
            if let estimate = request.estimatedBytes {
                guard estimate >= minimum else { return .skips }
                reasons.append("estimate \(estimate) bytes >= \(minimum)")
            } else {
                // Unknown estimate: a limit that refuses or holds applies (fail closed); one that allows does not.
                guard rule.action != .allow else { return .skips }
                reasons.append("no byte estimate available (limit \(minimum))")
            }
        }
        if rule.hasColumnConditions {
            let resolved = columns ?? ColumnResolver.resolve(statement.columnUsage, schemas: request.schemas)
            switch matchColumns(rule, resolved: resolved) {
            case let .holds(columnReasons): reasons += columnReasons
            case .fails: return .skips
            case let .outside(why): return .outside(why)
            }
        }
        return .applies(reasons.isEmpty ? "matches everything" : reasons.joined(separator: ", "))
    }

    /// Whether every table `table` can name matches one of `globs`, case counting (names are case-sensitive).
    static func table(_ table: TableRef, inside globs: [String]) -> Bool {
        let name = table.description
        guard let star = name.firstIndex(of: "*") else { return globs.contains { Glob($0, caseSensitive: true).matches(name) } }
        return globs.contains { Glob($0, caseSensitive: true).covers(wildcardPrefix: String(name[..<star])) }
    }

    /// Whether some table `table` can name matches one of `globs`.
    static func table(_ table: TableRef, touches globs: [String]) -> Bool {
        let name = table.description
        guard let star = name.firstIndex(of: "*") else { return Glob.any(globs, match: name) }
        return globs.contains { Glob($0).overlaps(wildcardPrefix: String(name[..<star])) }
    }
}

/// What one rule makes of one statement.
enum RuleOutcome: Equatable {
    /// Every condition holds; why.
    case applies(String)
    /// A condition other than the tables does not hold.
    case skips
    /// An allow rule whose other conditions hold, but a table lies outside its globs; which.
    case outside(String)
}
