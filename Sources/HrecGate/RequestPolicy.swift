import HrecJournal

/// A BigQuery call, as the policy sees it.
public struct GateCall: Sendable {
    public var identity: Identity
    public var endpoint: BigQueryEndpoint
    public var query: QueryRequest?
    /// Asks the upstream for a dry run of the query (nil when there is no query, dry runs are
    /// off, or the upstream cannot say). Only called for requests the policy would allow: an
    /// emulator may execute a "dry run" of DDL.
    public var dryRun: @Sendable () async -> DryRun?
}

/// What an upstream dry run says about a query (real BigQuery says more than the emulator).
public struct DryRun: Sendable, Equatable {
    public var statementType: String?
    public var totalBytesProcessed: UInt64?
    /// `project.dataset.table` of each referenced table.
    public var referencedTables: [String]
}

/// What to do with a call.
public enum GateDecision: Sendable, Equatable {
    /// Forward, with a byte cap to set on the job when the policy asks for one.
    case allow(maximumBytesBilled: UInt64?)
    /// Refuse with a 403 accessDenied whose message names the rule.
    case deny(message: String, rules: [String])

    public static let allow = GateDecision.allow(maximumBytesBilled: nil)
}

/// Decides on calls. The policy engine plugs in here (`PolicyGate`); `AllowAll` forwards everything.
public protocol RequestPolicy: Sendable {
    /// Decides, and records the decision in `sink`.
    func decide(_ call: GateCall, sink: (any RecordSink)?) async -> GateDecision
    /// Told about every job the gate forwarded, so later calls on it (results, status) are known.
    func jobForwarded(_ job: String) async
}

extension RequestPolicy {
    public func jobForwarded(_: String) async {}
}

/// Forwards every supported call (identity is still required).
public struct AllowAll: RequestPolicy {
    public init() {}
    public func decide(_: GateCall, sink _: (any RecordSink)?) async -> GateDecision { .allow }
}
