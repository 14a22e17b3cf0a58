import Foundation
import HrecJournal

/// One data-access fact read from a gate event: who touched what, how, and what the policy said.
///
/// This is the ONE place that knows the gate's event field names (docs/gate-events.md:
/// `gate.request`, `gate.response`, `policy.decision`, approvals, and the proxy's `net.connect`). Every field is optional and
/// read tolerantly (several spellings, nested `principal`/`request`/`decision` objects, strings or
/// arrays), so a change in the gate's schema is a change here only.
public struct AccessEvent: Sendable, Equatable {
    /// Event schema name (`gate.request`, `policy.decision`, `approval.granted`...).
    public var type: String
    /// Record time in µs since the session start.
    public var time: UInt64
    public var principalEmail: String?
    public var subject: String?
    public var clientIP: String?
    /// BigQuery REST endpoint or method (`jobs.query`, `tabledata.list`...).
    public var endpoint: String?
    /// Tables or other resources named by the request.
    public var resources: [String]
    /// SQL statement kind (`SELECT`, `DELETE`...).
    public var statementKind: String?
    /// SQL text, when the event carries it.
    public var sql: String?
    /// `allow`, `deny` or `review` (lower-cased).
    public var decision: String?
    public var ruleIDs: [String]
    public var approvers: [String]
    public var bytes: UInt64?
    public var rows: UInt64?
    public var maskedColumns: [String]
    /// A reason or message attached to the decision.
    public var reason: String?
    /// The gate's id for the call, shared by its request and response events.
    public var requestID: String?
    /// The policy digest a decision was made under.
    public var policyDigest: String?
    /// The prompt the person submitted last before the call (`gate.request`'s `prompt`): its
    /// number in the session and its text.
    public var promptID: Int?
    public var prompt: String?

    /// Reads the fields of `event` recorded at `time`; unknown or missing fields stay empty.
    public init(event: JournalEvent, time: UInt64) {
        let object = event.object ?? [:]
        let fields = FieldLookup(object)
        type = event.type
        self.time = time
        principalEmail = fields.string("principal.email", "principalEmail", "email", "identity.email", "principal")
        subject = fields.string("principal.subject", "subject", "identity.subject", "sub")
        clientIP = fields.string("clientIP", "clientIp", "client_ip", "client.ip", "remoteAddress", "request.clientIP")
        endpoint = fields.string("endpoint", "method", "request.endpoint", "request.method", "path", "request.path")
        // gate.request names one table by parts; policy.decision lists statements with reads/writes.
        let statements = (object["statements"] as? [[String: Any]]) ?? []
        var resources = fields.strings("resources", "tables", "request.tables", "statement.tables")
        resources += statements.flatMap { (($0["reads"] as? [String]) ?? []) + (($0["writes"] as? [String]) ?? []) }
        if let table = fields.string("table") {
            resources.append([fields.string("project"), fields.string("dataset"), table].compactMap { $0 }.joined(separator: "."))
        }
        var seen = Set<String>()
        self.resources = resources.filter { seen.insert($0).inserted }
        statementKind = fields.string("statementKind", "statement.kind", "statementType", "request.statementKind")
            ?? (statements.first?["kind"] as? String)
        sql = fields.string("sql", "query", "statement.sql", "request.sql", "request.query")
        decision = fields.string("decision.action", "decision", "action")?.lowercased()
        ruleIDs = fields.strings("ruleIDs", "ruleIds", "rules", "rule", "decision.rules", "decision.ruleIDs", "decision.rule")
        approvers = event.type == "approval.approved" ? fields.strings("by")
            : fields.strings("approvers", "approvedBy", "approver", "approval.approvers")
        bytes = fields.number("bytes", "bytesProcessed", "totalBytesProcessed", "responseBytes", "response.bytes")
        rows = fields.number("rows", "rowCount", "totalRows", "response.rows", "result.rows")
        // masking.applied lists {column, style, source, values} objects.
        let maskingColumns = (object["columns"] as? [[String: Any]])?.compactMap { $0["column"] as? String } ?? []
        maskedColumns = event.type == "masking.applied" ? maskingColumns
            : fields.strings("maskedColumns", "masked", "masking.columns", "decision.maskedColumns")
        reason = fields.string("reason", "message", "decision.reason")
        requestID = fields.string("requestID", "requestId")
        policyDigest = fields.string("policyDigest")
        promptID = fields.string("prompt.id").flatMap { Int($0) }
        prompt = fields.string("prompt.text")
        if isNetwork, let host = fields.string("host"), let port = fields.string("port") {
            // net.connect: the destination is the resource, the bytes are both directions.
            endpoint = "net.connect"
            self.resources = [host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"]
            bytes = (fields.number("bytesUp") ?? 0) + (fields.number("bytesDown") ?? 0)
        }
    }

    /// Whether this is an egress proxy connection attempt (`net.connect`) rather than a BigQuery call.
    public var isNetwork: Bool { type == "net.connect" }

    /// Whether this event says anything about data access (a decision, a statement or resources).
    public var isAccess: Bool {
        decision != nil || statementKind != nil || sql != nil || !resources.isEmpty || endpoint != nil
    }

    /// Whether this event is an approval (its type or its approvers say so).
    public var isApproval: Bool { type.contains("approv") || !approvers.isEmpty }
}

/// Dotted-path lookups over a JSON object, tolerant of types.
struct FieldLookup {
    let object: [String: Any]
    init(_ object: [String: Any]) { self.object = object }

    func value(_ path: String) -> Any? {
        var current: Any? = object
        for key in path.split(separator: ".") {
            guard let dictionary = current as? [String: Any] else { return nil }
            current = dictionary[String(key)]
        }
        if current is NSNull { return nil }
        return current
    }

    /// The first path that holds a scalar, as text.
    func string(_ paths: String...) -> String? {
        for path in paths {
            switch value(path) {
            case let text as String where !text.isEmpty: return text
            case let number as NSNumber: return number.stringValue
            default: continue
            }
        }
        return nil
    }

    /// The first path that holds a string or an array of strings (or of objects with a name).
    func strings(_ paths: String...) -> [String] {
        for path in paths {
            switch value(path) {
            case let text as String where !text.isEmpty: return [text]
            case let list as [Any]:
                let names = list.compactMap { item -> String? in
                    if let text = item as? String { return text }
                    if let dictionary = item as? [String: Any] {
                        return (dictionary["email"] ?? dictionary["name"] ?? dictionary["id"] ?? dictionary["column"]) as? String
                    }
                    return nil
                }
                if !names.isEmpty { return names }
            default: continue
            }
        }
        return []
    }

    /// The first path that holds a non-negative integer (or its decimal text).
    func number(_ paths: String...) -> UInt64? {
        for path in paths {
            switch value(path) {
            case let number as NSNumber where number.int64Value >= 0: return number.uint64Value
            case let text as String: if let parsed = UInt64(text) { return parsed }
            default: continue
            }
        }
        return nil
    }
}
