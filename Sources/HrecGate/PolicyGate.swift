import Foundation
import HrecJournal
import HrecPolicy
import HrecSQL

/// The policy engine behind the gate: parses the SQL (one tokenizer, `HrecSQL`), maps non-SQL
/// calls onto statements, evaluates the rules (`HrecPolicy`), journals a `policy.decision`
/// event with the rule ids and reasons, and fails closed on anything it cannot check.
public final class PolicyGate: RequestPolicy, Sendable {
    public let policy: Policy
    /// Jobs forwarded and what is known of them, behind a lock of their own: the gate has no
    /// single lane that unrelated requests wait in.
    let jobs = ForwardedJobs()
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

    public func jobForwarded(_ job: String) { jobs.insert(job) }

    /// Deciding reads only the policy and the forwarded jobs, so unrelated requests are decided
    /// in parallel.
    public func decide(_ call: GateCall, sink: (any RecordSink)?) async -> GateDecision {
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
        var schemas: [TableRef: [SchemaField]] = [:]
        if let refusal {
            decision = PolicyDecision(action: .deny, matches: [RuleMatch(rule: "hrec:fail-closed", action: "deny", statement: 0, reason: refusal)],
                                      message: refusal, maximumBytesBilled: nil)
        } else {
            var request = PolicyRequest(email: call.identity.email, subject: call.identity.subject, groups: call.identity.groups,
                                        statements: statements)
            request.estimatePending = true
            await fetchSchemas(into: &request, call: call)
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
                await fetchSchemas(into: &request, call: call)
                evaluated = policy.evaluate(request)
                statements = request.statements
            } else if evaluated.action == .allow {
                evaluated = policy.evaluate(request)  // no estimate: byte limits that refuse or hold apply
            }
            decision = evaluated
            schemas = request.schemas
        }
        guard record(decision, statements: statements, schemas: schemas, endpoint: endpoint.name, estimate: estimate,
                     requestID: call.requestID, sink: sink) else {
            return .deny(message: "hrec cannot record the policy's decision on this request, so it was not forwarded", rules: [])
        }
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

    /// At most this many tables' schemas are fetched for one decision; the columns of any more stay unresolved (fail closed).
    static let schemaFetchLimit = 32

    /// Adds the schemas of the tables the statements use to `request`, when some rule needs them
    /// (no upstream call otherwise). A schema the upstream does not give is left out: the columns
    /// of statements using that table stay unresolved, and rules on columns fail closed.
    private func fetchSchemas(into request: inout PolicyRequest, call: GateCall) async {
        guard policy.needsSchemas else { return }
        let tables = request.statements.reduce(into: Set<TableRef>()) { $0.formUnion($1.columnUsage.tables) }
        for table in tables.sorted().prefix(Self.schemaFetchLimit) where request.schemas[table] == nil {
            if let fields = await call.tableSchema(table) { request.schemas[table] = fields }
        }
    }

    /// Journals the decision; false when its event cannot be encoded (the call is then refused).
    private func record(_ decision: PolicyDecision, statements: [StatementAnalysis], schemas: [TableRef: [SchemaField]], endpoint: String,
                        estimate: UInt64?, requestID: String, sink: (any RecordSink)?) -> Bool {
        guard let sink else { return true }
        let columnRules = policy.hasColumnConditions
        let event = DecisionEvent(
            requestID: requestID, endpoint: endpoint, action: decision.action.rawValue, message: decision.message, rules: decision.decidingRules,
            matches: decision.matches, maximumBytesBilled: decision.maximumBytesBilled.map(String.init),
            statements: statements.map { statement in
                var entry = DecisionEvent.Statement(kind: statement.kind, reads: statement.reads.map(\.description).sorted(),
                                                    writes: statement.writes.map(\.description).sorted())
                if columnRules { entry.resolve(statement, schemas: schemas, withColumns: policy.needsSchemas) }
                return entry
            },
            estimatedBytes: estimate.map(String.init), policyDigest: policy.digest)
        return sink.append(type: "policy.decision", event, requestID: requestID)
    }

    /// `policy.decision`: what the policy decided and every rule that matched, with reasons.
    struct DecisionEvent: Codable {
        struct Statement: Codable {
            var kind: String
            var reads: [String]
            var writes: [String]
            /// When the policy has rules on columns: the columns used, the tables selected whole, and why columns are unresolved.
            var columns: [String]?
            var stars: [String]?
            var unresolvedColumns: [String]?

            /// Fills in the statement's stars, and (`withColumns`: schemas were fetched) its columns.
            mutating func resolve(_ statement: StatementAnalysis, schemas: [TableRef: [SchemaField]], withColumns: Bool) {
                let resolved = ColumnResolver.resolve(statement.columnUsage, schemas: schemas)
                stars = resolved.stars.map(\.description).sorted()
                let unresolved = withColumns ? resolved.unresolved : resolved.starUnresolved
                unresolvedColumns = unresolved.isEmpty ? nil : unresolved
                guard withColumns else { return }
                columns = resolved.columns.map(\.description).sorted()
            }
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
