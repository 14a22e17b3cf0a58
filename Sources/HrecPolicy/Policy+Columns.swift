import HrecSQL

extension Policy {
    /// What the column conditions of a rule (`columns`, `star`, `masked`) make of one statement.
    enum ColumnOutcome: Equatable {
        /// Every column condition holds (or, for deny and review, cannot be decided: fail closed); why.
        case holds([String])
        /// A condition does not hold.
        case fails
        /// An allow rule whose column conditions reach outside it, or cannot be decided; why.
        case outside(String)
    }

    /// The marker of a reason given when columns cannot be resolved (the decision's message quotes what follows it).
    static let unresolvedMarker = "columns unresolved (fail closed): "

    /// Whether the column conditions of `rule` hold for a statement whose columns are `resolved`. Columns and stars count only on tables inside the rule's table globs, when
    /// it has any. For `deny` and `review`, one matching column or star is enough, and columns that
    /// cannot be resolved make the conditions hold (fail closed, like `min_bytes` without an
    /// estimate). For `allow`, every column read or written must lie inside `columns`, and
    /// unresolved columns keep the rule from applying.
    func matchColumns(_ rule: Rule, resolved: ResolvedColumns) -> ColumnOutcome {
        let territory = rule.tables + rule.reads + rule.writes
        let inTerritory = { (table: TableRef) in territory.isEmpty || Self.table(table, touches: territory) }
        let columns = resolved.columns.filter { inTerritory($0.table) }.sorted()
        let stars = resolved.stars.filter(inTerritory).sorted()
        let strict = rule.action != .allow
        var reasons: [String] = []
        var unknown: [String] = []
        if !strict {  // an allow rule applies only to columns it can see
            let unresolved = (rule.needsSchemas ? resolved.unresolved : []) + (rule.star != nil ? resolved.starUnresolved : [])
            if !unresolved.isEmpty { return .outside(Self.unresolvedMarker + orderedUnique(unresolved).joined(separator: "; ")) }
        }
        if let star = rule.star {
            let found = stars.first.map { "selects every column of \($0)" }
            switch Self.flag(star, found: found, absent: "selects no whole table", unresolved: resolved.starUnresolved) {
            case let .holds(reason): reasons.append(reason)
            case .fails: return .fails
            case let .contradicts(reason): return strict ? .fails : .outside(reason)
            case .unknown: unknown += resolved.starUnresolved
            }
        }
        if !rule.columns.isEmpty {
            if !strict {
                guard !resolved.columns.isEmpty else { return .fails }
                if let outside = resolved.columns.sorted().first(where: { !$0.matches(rule.columns) }) {
                    return .outside("uses column \(outside), outside \(rule.columns.joined(separator: ", "))")
                }
                reasons.append("uses only columns inside \(rule.columns.joined(separator: ", "))")
            } else if let column = columns.first(where: { $0.matches(rule.columns) }) {
                reasons.append("uses column \(column)")
            } else if resolved.unresolved.isEmpty {
                return .fails
            } else {
                unknown += resolved.unresolved
            }
        }
        if let masked = rule.masked {
            let found = columns.first { $0.isMasked(by: masking) }.map { "uses masked column \($0)" }
            switch Self.flag(masked, found: found, absent: "uses no masked column", unresolved: resolved.unresolved) {
            case let .holds(reason): reasons.append(reason)
            case .fails: return .fails
            case let .contradicts(reason): return strict ? .fails : .outside(reason)
            case .unknown: unknown += resolved.unresolved
            }
        }
        if !unknown.isEmpty {
            let why = orderedUnique(unknown).joined(separator: "; ")
            guard strict else { return .outside(Self.unresolvedMarker + why) }
            reasons.append(Self.unresolvedMarker + why)
        }
        return .holds(reasons)
    }

    /// What a `true`/`false` condition (`star`, `masked`) makes of a statement.
    enum FlagOutcome {
        case holds(String)
        case fails
        /// `false` wanted, but the statement has it; why.
        case contradicts(String)
        case unknown
    }

    /// Decides a `true`/`false` condition: `found` describes what the statement has (nil when
    /// nothing), `absent` what holds when it has nothing. What was found decides even when other
    /// columns are unresolved; nothing found among unresolved columns is unknown.
    static func flag(_ wanted: Bool, found: String?, absent: String, unresolved: [String]) -> FlagOutcome {
        if let found { return wanted ? .holds(found) : .contradicts(found) }
        if !unresolved.isEmpty { return .unknown }
        return wanted ? .fails : .holds(absent)
    }
}
