import HrecJournal

/// A BigQuery call, as the policy sees it.
public struct GateCall: Sendable {
    public var identity: Identity
    public var endpoint: BigQueryEndpoint
    public var query: QueryRequest?
}

/// What to do with a call.
public enum GateDecision: Sendable, Equatable {
    case allow
    /// Refuse with a 403 accessDenied whose message names the rule.
    case deny(message: String, rules: [String])
}

/// Decides on calls. The policy engine (HrecPolicy) plugs in here; `AllowAll` forwards everything.
public protocol RequestPolicy: Sendable {
    func decide(_ call: GateCall) async -> GateDecision
}

/// Forwards every supported call (identity is still required).
public struct AllowAll: RequestPolicy {
    public init() {}
    public func decide(_: GateCall) async -> GateDecision { .allow }
}
