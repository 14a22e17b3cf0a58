import Foundation

/// One held request waiting for people to approve it: a value-type state machine with the clock
/// passed in (`now`), so its rules are tested without waiting.
///
/// An approval covers exactly one request: `fingerprint` binds the SQL, its parameters, the
/// default dataset, the requester and the session. Only the rule's approvers count, never the
/// requester; `needed` distinct approvals complete it; one denial or the expiry ends it.
public struct Approval: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case pending, approved, denied, expired, executed }

    public struct Decision: Sendable, Equatable, Codable {
        public var by: String
        public var at: Date
        public var reason: String?
    }

    public var id: String
    public var fingerprint: String
    public var rule: String
    public var message: String
    public var requester: String
    public var requesterGroups: [String]
    public var session: String
    public var sql: String
    public var statements: [String]
    public var tables: [String]
    public var estimatedBytes: String?
    public var approvers: [String]
    public var needed: Int
    public var createdAt: Date
    public var expiresAt: Date
    public var job: String
    public var journal: String?
    public var sessionOffsetMicros: UInt64?
    public private(set) var state: State = .pending
    public private(set) var approvals: [Decision] = []
    public private(set) var denial: Decision?

    public init(id: String, fingerprint: String, rule: Policy.Rule, message: String, requester: String, requesterGroups: [String],
                session: String, sql: String, statements: [String], tables: [String], estimatedBytes: String?, job: String,
                now: Date) {
        self.id = id
        self.fingerprint = fingerprint
        self.rule = rule.id
        self.message = message
        self.requester = requester
        self.requesterGroups = requesterGroups
        self.session = session
        self.sql = sql
        self.statements = statements
        self.tables = tables
        self.estimatedBytes = estimatedBytes
        approvers = rule.approvers
        needed = rule.approvals
        createdAt = now
        expiresAt = now.addingTimeInterval(TimeInterval(rule.expirySeconds))
        self.job = job
    }

    /// Why an approval or denial is not accepted.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case selfApproval
        case notAnApprover(String)
        case alreadyDecided(State)
        case alreadyApproved(String)

        public var description: String {
            switch self {
            case .selfApproval: "a requester can never approve (or deny) their own request"
            case let .notAnApprover(who): "\(who) is not an approver of this rule"
            case let .alreadyDecided(state): "the request is already \(state.rawValue)"
            case let .alreadyApproved(who): "\(who) has already approved it"
            }
        }
    }

    /// Whether `email` (with `groups`) is one of the rule's approvers: an entry with `@` is an
    /// email glob, any other entry a group glob.
    public func isApprover(email: String, groups: [String]) -> Bool {
        approvers.contains { entry in
            entry.contains("@") ? Glob(entry).matches(email) : groups.contains { Glob(entry).matches($0) }
        }
    }

    /// Moves a pending approval past its expiry to `expired`; true when it just did.
    public mutating func expireIfDue(now: Date) -> Bool {
        guard state == .pending, now >= expiresAt else { return false }
        state = .expired
        return true
    }

    /// Records an approval; returns true when it completes the request (`needed` reached).
    public mutating func approve(by email: String, groups: [String], reason: String?, now: Date) throws(Refusal) -> Bool {
        try check(email: email, groups: groups, now: now)
        guard !approvals.contains(where: { $0.by.caseInsensitiveCompare(email) == .orderedSame }) else { throw .alreadyApproved(email) }
        approvals.append(Decision(by: email, at: now, reason: reason))
        if approvals.count >= needed { state = .approved }
        return state == .approved
    }

    /// Records a denial, which ends the request.
    public mutating func deny(by email: String, groups: [String], reason: String, now: Date) throws(Refusal) {
        try check(email: email, groups: groups, now: now)
        denial = Decision(by: email, at: now, reason: reason)
        state = .denied
    }

    /// The approved request was forwarded.
    public mutating func markExecuted() {
        if state == .approved { state = .executed }
    }

    private mutating func check(email: String, groups: [String], now: Date) throws(Refusal) {
        _ = expireIfDue(now: now)
        guard state == .pending else { throw .alreadyDecided(state) }
        guard email.caseInsensitiveCompare(requester) != .orderedSame else { throw .selfApproval }
        guard isApprover(email: email, groups: groups) else { throw .notAnApprover(email) }
    }

    /// The text shown to the agent when the request ends without running.
    public var refusalMessage: String {
        switch state {
        case .denied: "request \(id) was denied by \(denial?.by ?? "?"): \(denial?.reason ?? "")"
        case .expired: "request \(id) was not approved within \(Int(expiresAt.timeIntervalSince(createdAt) / 60)) minutes and expired (rule \(rule))"
        default: "request \(id) is \(state.rawValue)"
        }
    }
}
