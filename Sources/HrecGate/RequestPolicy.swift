import HrecJournal
import HrecPolicy
import HrecSQL

/// A BigQuery call, as the policy sees it.
public struct GateCall: Sendable {
    public var identity: Identity
    public var endpoint: BigQueryEndpoint
    public var query: QueryRequest?
    /// Asks the upstream for a dry run of the query (nil when there is no query, dry runs are
    /// off, or the upstream cannot say). Only called for requests the policy would allow: an
    /// emulator may execute a "dry run" of DDL.
    public var dryRun: @Sendable () async -> DryRun?
    /// The gate's id for this call (also on its gate.request and gate.response events).
    public var requestID: String = ""
    /// The request body (a copy, extract or load job's configuration, a table or view definition).
    public var body: [UInt8] = []
    /// The request's Content-Type and `uploadType` (for the media upload endpoint).
    public var contentType: String?
    public var uploadType: String?
    /// The schema of a table (tables.get through the gate's credential, cached), for rules on
    /// columns; nil when the upstream cannot give it (the columns then stay unresolved).
    public var tableSchema: @Sendable (TableRef) async -> [SchemaField]? = { _ in nil }
}

/// A request the policy holds for approval, with what approvers need to see.
public struct HoldRequest: Sendable, Equatable {
    public var rule: Policy.Rule
    public var message: String
    public var statements: [String]
    public var tables: [String]
    public var estimatedBytes: String?
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
    /// Hold for approval under `rule` (a review rule).
    case hold(HoldRequest)

    public static let allow = GateDecision.allow(maximumBytesBilled: nil)
}

/// Decides on calls. The policy engine plugs in here (`PolicyGate`); `AllowAll` forwards everything.
public protocol RequestPolicy: Sendable {
    /// Decides, and records the decision in `sink`.
    func decide(_ call: GateCall, sink: (any RecordSink)?) async -> GateDecision
    /// Told about every job the gate forwarded, so later calls on it (results, status) are known.
    func jobForwarded(_ job: String) async
    /// Masks (or refuses) an upstream answer before anyone sees it.
    func filterResponse(_ answered: AnsweredCall) async -> FilteredResponse
    /// How the rows of an upstream answer are masked, decided from everything but its rows.
    func rowMasking(_ answered: AnsweredCall) async -> RowMasking
}

/// What to do with an upstream answer before the agent (and the journal) sees it.
public enum ResponseFilter: Sendable {
    case pass
    /// Send these bytes instead; `report` says which columns were masked, how, how many values.
    case masked([UInt8], report: [String: String], columns: [[String: String]], rows: Int)
    /// Masking could not be applied: refuse the response rather than pass it raw.
    case refuse(String)
}

/// A response scanned and filtered (`RequestPolicy.filterResponse`): the scan is nil when the
/// body is not well-formed JSON.
public struct FilteredResponse: Sendable {
    public var scan: ResponseScan?
    public var filter: ResponseFilter
}

/// How the rows of a response are masked (`RequestPolicy.rowMasking`).
public enum RowMasking: Sendable {
    /// Nothing to mask.
    case pass
    /// Mask the rows (at `rows` in the body) with `masker`.
    case mask(RowMasker, schema: [SchemaField], tables: [String], rows: Range<Int>)
    /// The rows cannot be masked: refuse the response rather than pass it raw.
    case refuse(String)
}

/// Everything the response filter needs to know about one answered call.
public struct AnsweredCall: Sendable {
    public var call: GateCall
    public var status: Int
    public var body: [UInt8]
    /// `selectedFields` of a tabledata.list call.
    public var selectedFields: [String]?
    /// Fetches the table's schema (tables.get through the upstream), for tabledata.list.
    public var tableSchema: @Sendable () async -> [SchemaField]?
    /// The response scanned once by the gate (nil when it is not well-formed JSON).
    public var scan: ResponseScan?
}

extension RequestPolicy {
    public func jobForwarded(_: String) async {}
    public func filterResponse(_ answered: AnsweredCall) async -> FilteredResponse {
        FilteredResponse(scan: answered.scan ?? (try? ResponseScan(body: answered.body)), filter: .pass)
    }
    public func rowMasking(_: AnsweredCall) async -> RowMasking { .pass }
}

/// Forwards every supported call (identity is still required).
public struct AllowAll: RequestPolicy {
    public init() {}
    public func decide(_: GateCall, sink _: (any RecordSink)?) async -> GateDecision { .allow }
}
