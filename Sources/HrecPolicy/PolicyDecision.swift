import HrecSQL

/// Who asks and what for: the input of `Policy.evaluate`.
public struct PolicyRequest: Sendable {
    public var email: String?
    public var subject: String
    public var groups: [String]
    public var statements: [StatementAnalysis]
    /// The upstream's dry-run estimate, when there is one.
    public var estimatedBytes: UInt64?
    /// True for a first pass before a dry run is asked for: byte limits are left out (the final
    /// pass applies them, failing closed when no estimate came).
    public var estimatePending = false
    /// The schema of each table the gate could fetch (tables.get), for rules on columns. A table
    /// the statements use that is missing here leaves their columns unresolved (fail closed).
    public var schemas: [TableRef: [SchemaField]] = [:]

    public init(email: String?, subject: String, groups: [String], statements: [StatementAnalysis], estimatedBytes: UInt64? = nil) {
        self.email = email
        self.subject = subject
        self.groups = groups
        self.statements = statements
        self.estimatedBytes = estimatedBytes
    }
}

/// A rule that matched one statement, and why.
public struct RuleMatch: Sendable, Equatable, Codable {
    public var rule: String
    public var action: String
    /// Index of the statement in the request.
    public var statement: Int
    public var reason: String

    public init(rule: String, action: String, statement: Int, reason: String) {
        self.rule = rule
        self.action = action
        self.statement = statement
        self.reason = reason
    }
}

/// The outcome: the strictest action over every statement (deny > review > allow), the rules
/// that decided it and why, and the byte cap to put on the forwarded job.
public struct PolicyDecision: Sendable, Equatable {
    public var action: Policy.Action
    public var matches: [RuleMatch]
    /// What the agent is told when refused or held.
    public var message: String
    public var maximumBytesBilled: UInt64?
    /// For review: the rule holding the request.
    public var reviewRule: Policy.Rule?
    /// Allow rules that would have applied but for a table outside their globs, and which.
    public var outside: [RuleMatch] = []

    public init(action: Policy.Action, matches: [RuleMatch], message: String, maximumBytesBilled: UInt64?, reviewRule: Policy.Rule? = nil) {
        self.action = action
        self.matches = matches
        self.message = message
        self.maximumBytesBilled = maximumBytesBilled
        self.reviewRule = reviewRule
    }

    /// Ids of the rules that decided the outcome.
    public var decidingRules: [String] {
        let ids = matches.filter { $0.action == action.rawValue }.map(\.rule)
        return orderedUnique(ids)
    }
}

/// Keeps first occurrences, in order.
func orderedUnique(_ items: [String]) -> [String] {
    var seen: Set<String> = []
    return items.filter { seen.insert($0).inserted }
}
