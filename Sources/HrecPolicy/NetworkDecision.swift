/// What the network policy says about one connection: allowed or not, which rule, and why.
public struct NetworkDecision: Sendable, Equatable {
    /// Whether the connection may be made.
    public var allowed: Bool
    /// The deciding rule: `allow <entry>`, `deny <entry>`, `default`, or one of hrec's own
    /// (`hrec:metadata`, `hrec:google-api`, `hrec:fixed`, `hrec:local-address`).
    public var rule: String
    /// Why, in words a person reads in the journal and the agent reads in the refusal.
    public var reason: String

    /// A decision.
    public init(allowed: Bool, rule: String, reason: String) {
        self.allowed = allowed
        self.rule = rule
        self.reason = reason
    }
}
