/// Joins the gate's per-call events into one access-log entry per BigQuery call.
///
/// The gate writes `gate.request`, then `policy.decision` (no request id), then `gate.response`
/// with the request's id. Events with a `requestID` are held until the response with that id;
/// an event without one that arrives while a call is held (a policy decision) joins the latest
/// held call. Anything else is an entry by itself. Fields already set are kept; the policy's
/// decision wins over the response's forwarded/refused outcome.
public struct AccessLogMerger {
    public init() {}

    private var held: [AccessEvent] = []

    /// Feeds the next event (in journal order); returns the entries it completes.
    public mutating func add(_ event: AccessEvent) -> [AccessEvent] {
        if let id = event.requestID, let index = held.firstIndex(where: { $0.requestID == id }) {
            let merged = Self.merge(held.remove(at: index), event)
            return event.type.hasSuffix("response") ? [merged] : { held.insert(merged, at: index); return [] }()
        }
        if event.requestID != nil, event.type.hasSuffix("request") {
            held.append(event)
            return []
        }
        if event.requestID == nil, !held.isEmpty, event.type.hasPrefix("policy.") {
            held[held.count - 1] = Self.merge(held[held.count - 1], event, decisionWins: true)
            return []
        }
        return [event]
    }

    /// Calls still waiting for a response at the end of the journal.
    public mutating func finish() -> [AccessEvent] {
        defer { held.removeAll() }
        return held
    }

    static func merge(_ base: AccessEvent, _ later: AccessEvent, decisionWins: Bool = false) -> AccessEvent {
        var merged = base
        merged.principalEmail = base.principalEmail ?? later.principalEmail
        merged.subject = base.subject ?? later.subject
        merged.clientIP = base.clientIP ?? later.clientIP
        merged.endpoint = base.endpoint ?? later.endpoint
        merged.resources = base.resources + later.resources.filter { !base.resources.contains($0) }
        merged.statementKind = base.statementKind ?? later.statementKind
        merged.sql = base.sql ?? later.sql
        merged.decision = decisionWins ? (later.decision ?? base.decision) : (base.decision ?? later.decision)
        merged.ruleIDs = base.ruleIDs.isEmpty ? later.ruleIDs : base.ruleIDs
        merged.approvers = base.approvers.isEmpty ? later.approvers : base.approvers
        merged.bytes = base.bytes ?? later.bytes
        merged.rows = base.rows ?? later.rows
        merged.maskedColumns = base.maskedColumns.isEmpty ? later.maskedColumns : base.maskedColumns
        merged.reason = base.reason ?? later.reason
        merged.policyDigest = base.policyDigest ?? later.policyDigest
        if base.prompt == nil {
            merged.promptID = later.promptID
            merged.prompt = later.prompt
        }
        return merged
    }
}
