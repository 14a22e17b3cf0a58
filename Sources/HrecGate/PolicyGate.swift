import Foundation
import HrecJournal
import HrecPolicy
import HrecSQL

/// The policy engine behind the gate: parses the SQL (one tokenizer, `HrecSQL`), maps non-SQL
/// calls onto statements, evaluates the rules (`HrecPolicy`), journals a `policy.decision`
/// event with the rule ids and reasons, and fails closed on anything it cannot check.
public actor PolicyGate: RequestPolicy {
    public nonisolated let policy: Policy
    /// Jobs forwarded and what is known of them (a lock of its own: not the actor's lane).
    let jobs = ForwardedJobs()
    var schemas: [String: [SchemaField]] = [:]
    let hmacKey: [UInt8]?

    /// - Throws: `GateError.configuration` when the masking key file is named but unreadable.
    public init(policy: Policy) throws {
        self.policy = policy
        if let keyFile = policy.masking.keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile), data.count >= 16 else {
                throw GateError.configuration("masking key '\(keyFile)' is missing or shorter than 16 bytes")
            }
            hmacKey = [UInt8](data)
        } else {
            hmacKey = nil
        }
    }

    public nonisolated func jobForwarded(_ job: String) { jobs.insert(job) }

    /// Not isolated to the actor: deciding reads only the policy and the forwarded jobs, so
    /// unrelated requests are decided in parallel.
    public nonisolated func decide(_ call: GateCall, sink: (any RecordSink)?) async -> GateDecision {
        let endpoint = call.endpoint
        var statements: [StatementAnalysis] = []
        var refusal: String?
        do throws(BigQueryError) {
            if endpoint.carriesSQL {
                if let query = call.query {
                    statements = try query.statements(project: endpoint.project)
                } else {
                    statements = try JobRequest.statements(body: call.body, project: endpoint.project)
                }
            } else if endpoint.name == "jobs.upload" {
                let metadata = try UploadRequest.metadata(body: call.body, contentType: call.contentType, uploadType: call.uploadType)
                statements = try JobRequest.statements(body: metadata, project: endpoint.project)
            } else if endpoint.name == "tables.insert" || endpoint.name == "tables.patch" {
                statements = [try TableRequest.statement(endpoint: endpoint, body: call.body)]
            } else if let statement = EndpointStatement.statement(endpoint: endpoint.name, project: endpoint.project,
                                                                  dataset: endpoint.dataset, table: endpoint.table) {
                statements = try TableRequest.statements(endpoint: endpoint, body: call.body, base: statement)
            } else if endpoint.name == "jobs.list" {
                statements = [StatementAnalysis(kind: "LIST_JOBS")]
            } else if let job = endpoint.job {
                if jobs.contains(job) { return .allow }
                refusal = "job \(job) was not started through this gate"
            }
        } catch {
            // The analysis speaks as an accessDenied error; the decision keeps the reason alone (the responder adds the prefix).
            refusal = error.message.hasPrefix("Access Denied: ") ? String(error.message.dropFirst("Access Denied: ".count)) : error.message
        }
        let decision: PolicyDecision
        var estimate: UInt64?
        if let refusal {
            decision = PolicyDecision(action: .deny, matches: [RuleMatch(rule: "hrec:fail-closed", action: "deny", statement: 0, reason: refusal)],
                                      message: refusal, maximumBytesBilled: nil)
        } else {
            var request = PolicyRequest(email: call.identity.email, subject: call.identity.subject, groups: call.identity.groups,
                                        statements: statements)
            request.estimatePending = true
            var evaluated = policy.evaluate(request)
            request.estimatePending = false
            // What we would allow is checked again with the upstream's dry run, taking the stricter
            // answer: its statement type and tables are one more statement, its estimate the bytes.
            if evaluated.action == .allow, let dryRun = await call.dryRun() {
                estimate = dryRun.totalBytesProcessed
                if let type = dryRun.statementType, type != "SCRIPT" {
                    let reads = Set(dryRun.referencedTables.compactMap(Self.tableRef))
                    let known = statements.reduce(into: Set<TableRef>()) { $0.formUnion($1.reads.union($1.writes)) }
                    if !statements.contains(where: { $0.kind == type }) || !reads.isSubset(of: known) {
                        request.statements.append(StatementAnalysis(kind: type, reads: reads))
                    }
                }
                request.estimatedBytes = dryRun.totalBytesProcessed
                evaluated = policy.evaluate(request)
                statements = request.statements
            } else if evaluated.action == .allow {
                evaluated = policy.evaluate(request)  // no estimate: byte limits that refuse or hold apply
            }
            decision = evaluated
        }
        record(decision, statements: statements, endpoint: endpoint.name, estimate: estimate, requestID: call.requestID, sink: sink)
        switch decision.action {
        case .allow: return .allow(maximumBytesBilled: decision.maximumBytesBilled)
        case .deny: return .deny(message: decision.message, rules: decision.decidingRules)
        case .review:
            guard let rule = decision.reviewRule, endpoint.carriesSQL, call.query != nil else {
                return .deny(message: decision.message + " (only queries can be held for approval)", rules: decision.decidingRules)
            }
            return .hold(HoldRequest(rule: rule, message: decision.message,
                                     statements: statements.map(\.kind),
                                     tables: statements.flatMap { $0.reads.union($0.writes).map(\.description) }.sorted(),
                                     estimatedBytes: estimate.map(String.init)))
        }
    }

    static func tableRef(_ text: String) -> TableRef? {
        let parts = text.split(separator: ".", maxSplits: 2).map(String.init)
        return parts.count == 3 ? TableRef(project: parts[0], dataset: parts[1], table: parts[2]) : nil
    }

    private nonisolated func record(_ decision: PolicyDecision, statements: [StatementAnalysis], endpoint: String, estimate: UInt64?, requestID: String, sink: (any RecordSink)?) {
        guard let sink else { return }
        let event = DecisionEvent(
            requestID: requestID, endpoint: endpoint, action: decision.action.rawValue, message: decision.message, rules: decision.decidingRules,
            matches: decision.matches, maximumBytesBilled: decision.maximumBytesBilled.map(String.init),
            statements: statements.map { .init(kind: $0.kind, reads: $0.reads.map(\.description).sorted(), writes: $0.writes.map(\.description).sorted()) },
            estimatedBytes: estimate.map(String.init), policyDigest: policy.digest)
        if let journalEvent = try? JournalEvent(type: "policy.decision", payload: event) { sink.append(event: journalEvent) }
    }

    /// `policy.decision`: what the policy decided and every rule that matched, with reasons.
    struct DecisionEvent: Codable {
        struct Statement: Codable {
            var kind: String
            var reads: [String]
            var writes: [String]
        }

        var requestID: String
        var endpoint: String
        var action: String
        var message: String
        var rules: [String]
        var matches: [RuleMatch]
        var maximumBytesBilled: String?
        var statements: [Statement]
        var estimatedBytes: String?
        var policyDigest: String
    }
}
