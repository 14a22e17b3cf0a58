/// A parsed policy file: rules deciding on BigQuery requests, and masking.
public struct Policy: Sendable, Equatable {
    /// What a rule (or the default) does with a request.
    public enum Action: String, Sendable, Equatable, Comparable, CaseIterable {
        case allow, review, deny
        /// deny > review > allow.
        var strength: Int { self == .deny ? 2 : (self == .review ? 1 : 0) }
        public static func < (a: Action, b: Action) -> Bool { a.strength < b.strength }
    }

    /// One rule: conditions (all must hold) and an action.
    public struct Rule: Sendable, Equatable {
        public var id: String
        public var description: String?
        /// Globs over statement kinds (`DROP_*`).
        public var kinds: [String] = []
        /// Globs over tables read or written (`*.shop.*`).
        public var tables: [String] = []
        public var reads: [String] = []
        public var writes: [String] = []
        /// Globs over the requester's email or subject.
        public var principals: [String] = []
        public var groups: [String] = []
        /// Matches when the estimated bytes are at least this (unknown estimates match deny/review rules: fail closed).
        public var minBytes: UInt64?
        /// Globs over the columns read or written (`ssn`, `shop.customers.ssn`, `address.city`).
        public var columns: [String] = []
        /// true: the statement selects every column of a matching table (`*`, `t.*`); false: it does not.
        public var star: Bool?
        /// true: the statement reads a column the masking section masks; false: it reads none.
        public var masked: Bool?
        public var action: Action
        public var message: String?
        /// Set maximumBytesBilled on forwarded jobs this rule allows.
        public var maximumBytesBilled: UInt64?
        /// For review: who may approve, how many, and for how long the hold lasts.
        public var approvers: [String] = []
        public var approvals: Int = 1
        public var expirySeconds: Int = 900
        /// A webhook (Slack-compatible JSON) told about each held request.
        public var notify: String?

        /// Whether the rule has conditions on columns (`columns`, `star`, `masked`).
        public var hasColumnConditions: Bool { !columns.isEmpty || star != nil || masked != nil }
        /// Whether deciding the rule needs table schemas (`columns`, `masked`; `star` is read from the SQL).
        public var needsSchemas: Bool { !columns.isEmpty || masked != nil }

        public init(id: String, action: Action) {
            self.id = id
            self.action = action
        }
    }

    public var defaultAction: Action
    public var defaultMessage: String?
    public var rules: [Rule]
    public var masking: MaskingPolicy
    /// The `network` section: what the egress proxy lets the recorded command reach.
    public var network = NetworkPolicy()
    /// SHA-256 of the file's bytes (hex), recorded in journals.
    public var digest: String

    /// Whether some rule has conditions on columns (decisions then resolve them).
    public var hasColumnConditions: Bool { rules.contains { $0.hasColumnConditions } }
    /// Whether some rule needs table schemas to be decided (the gate then fetches them).
    public var needsSchemas: Bool { rules.contains { $0.needsSchemas } }
}
