import Crypto
import Foundation
import HrecJournal
import HrecPolicy

/// The gate's held requests: created by review rules, decided by approvers, executed once
/// approved, and recorded step by step in the requester's journal. In memory: held requests do
/// not survive a restart of the gate; the client's job then stays unknown and its polls are
/// refused (fail closed; see docs/http-surface.md).
public actor ApprovalDesk {
    struct Held {
        var approval: Approval
        let sink: (any RecordSink)?
        let execute: @Sendable () async -> Int?
    }

    /// What an agent can make the gate hold: requests of one requester awaiting approval at
    /// once, and held requests of all states kept (decided ones are dropped, oldest first, to
    /// make room; a job whose hold was dropped is refused when polled).
    public struct Limits: Sendable {
        public var pendingPerRequester = 32
        public var held = 4096
        public init() {}
    }

    /// The answer to a request that needs approval.
    enum Hold {
        /// Held (or the identical pending request, for a client's retry).
        case held(Approval)
        /// Not held: the requester has too many waiting, or the desk is full of pending ones.
        case refused(String)
    }

    private var held: [String: Held] = [:]
    private var byJob: [String: String] = [:]
    private var pendingByFingerprint: [String: String] = [:]
    private let notifier: ApprovalNotifier
    private let limits: Limits

    public init(limits: Limits = Limits()) {
        notifier = ApprovalNotifier()
        self.limits = limits
    }

    /// Holds a request, or returns the pending hold of the identical one (client retries).
    func hold(_ request: HoldRequest, requester: Identity, session: String, sql: String, fingerprint: String, job: String,
              sink: (any RecordSink)?, execute: @escaping @Sendable () async -> Int?) -> Hold {
        if let id = pendingByFingerprint[fingerprint], let existing = refreshed(id), existing.state == .pending {
            return .held(existing)
        }
        let name = requester.email ?? requester.subject
        let waiting = held.keys.compactMap { refreshed($0) }.filter { $0.state == .pending && $0.requester == name }.count
        if waiting >= limits.pendingPerRequester {
            return .refused("\(waiting) requests of \(name) are already awaiting approval; wait for the approvers before asking for more")
        }
        if held.count >= limits.held {
            let decided = held.values.filter { $0.approval.state != .pending }.sorted { $0.approval.createdAt < $1.approval.createdAt }
            for entry in decided.prefix(held.count - limits.held + 1) { forget(entry.approval) }
            if held.count >= limits.held {
                return .refused("the gate already holds \(held.count) requests awaiting approval")
            }
        }
        var random = SystemRandomNumberGenerator()
        let id = "apr-" + String((0..<8).map { _ in "0123456789abcdefghjkmnpqrstvwxyz".randomElement(using: &random)! })
        var approval = Approval(id: id, fingerprint: fingerprint, rule: request.rule, message: request.message,
                                requester: requester.email ?? requester.subject, requesterGroups: requester.groups, session: session,
                                sql: sql, statements: request.statements, tables: request.tables, estimatedBytes: request.estimatedBytes,
                                job: job, now: Date())
        if let appender = sink as? JournalAppender {
            approval.journal = appender.url.path
            approval.sessionOffsetMicros = appender.clock.now()
        }
        held[id] = Held(approval: approval, sink: sink, execute: execute)
        byJob[job] = id
        pendingByFingerprint[fingerprint] = id
        record("approval.requested", approval, sink: sink)
        if let url = request.rule.notify {
            let text = "hrec: \(approval.requester) asks to run \(request.statements.joined(separator: ", ")) on "
                + "\(request.tables.joined(separator: ", ")) (rule \(approval.rule)). Approve with: hrec approve \(id)"
            Task { [notifier] in
                let outcome = await notifier.send(url: url, text: text, approval: id)
                self.recordNotification(id: id, url: url, outcome: outcome)
            }
        }
        return .held(approval)
    }

    /// Drops a decided hold (to make room).
    private func forget(_ approval: Approval) {
        held[approval.id] = nil
        if byJob[approval.job] == approval.id { byJob[approval.job] = nil }
        if pendingByFingerprint[approval.fingerprint] == approval.id { pendingByFingerprint[approval.fingerprint] = nil }
    }

    /// The hold behind a job id, after applying its expiry.
    func approval(forJob job: String) -> Approval? {
        guard let id = byJob[job] else { return nil }
        return refreshed(id)
    }

    /// Every held request (pending first), after applying expiries.
    public func all() -> [Approval] {
        held.keys.compactMap { refreshed($0) }.sorted { ($0.state == .pending ? 0 : 1, $0.createdAt) < ($1.state == .pending ? 0 : 1, $1.createdAt) }
    }

    public func approval(id: String) -> Approval? { refreshed(id) }

    /// Records an approval by `approver`; forwards the request when enough approvals are in.
    public func approve(id: String, approver: Identity, reason: String?) async throws -> Approval {
        guard var entry = held[id] else { throw GateError.identity("no held request \(id)") }
        let email = approver.email ?? approver.subject
        let complete = try entry.approval.approve(by: email, groups: approver.groups, reason: reason, now: Date())
        held[id] = entry
        record("approval.approved", ApprovalStep(id: id, by: email, reason: reason, approvals: entry.approval.approvals.count,
                                                 needed: entry.approval.needed), sink: entry.sink)
        guard complete else { return entry.approval }
        let status = await entry.execute()
        entry.approval.markExecuted()
        held[id] = entry
        record("approval.executed", ApprovalExecuted(id: id, job: entry.approval.job, upstreamStatus: status), sink: entry.sink)
        return entry.approval
    }

    /// Records a denial; the held job then fails with the reason.
    public func deny(id: String, approver: Identity, reason: String) throws -> Approval {
        guard var entry = held[id] else { throw GateError.identity("no held request \(id)") }
        try entry.approval.deny(by: approver.email ?? approver.subject, groups: approver.groups, reason: reason, now: Date())
        held[id] = entry
        record("approval.denied", ApprovalStep(id: id, by: approver.email ?? approver.subject, reason: reason,
                                               approvals: entry.approval.approvals.count, needed: entry.approval.needed), sink: entry.sink)
        return entry.approval
    }

    private func refreshed(_ id: String) -> Approval? {
        guard var entry = held[id] else { return nil }
        if entry.approval.expireIfDue(now: Date()) {
            held[id] = entry
            record("approval.expired", ApprovalStep(id: id, by: nil, reason: "not approved before \(entry.approval.expiresAt)",
                                                    approvals: entry.approval.approvals.count, needed: entry.approval.needed), sink: entry.sink)
        }
        return entry.approval
    }

    private func recordNotification(id: String, url: String, outcome: ApprovalNotifier.Outcome) {
        record(outcome.delivered ? "approval.notified" : "approval.notify_failed",
               ApprovalNotified(id: id, url: url, attempts: outcome.attempts, status: outcome.status, error: outcome.error),
               sink: held[id]?.sink)
    }

    private func record<Payload: Encodable>(_ type: String, _ payload: Payload, sink: (any RecordSink)?) {
        sink?.append(type: type, payload, requestID: nil)
    }

    /// The binding of an approval: SQL, parameters, default dataset, requester and session.
    static func fingerprint(query: QueryRequest, requester: Identity, session: String) -> String {
        var hasher = SHA256()
        let parameters = (try? JSONEncoder().encode(query.parameters)) ?? Data()
        for part in [Data(query.sql.utf8), parameters, Data((query.defaultDataset ?? "").utf8),
                     Data((requester.email ?? requester.subject).utf8), Data(session.utf8)] {
            hasher.update(data: Data(String(part.count).utf8) + Data([0]) + part)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    struct ApprovalStep: Codable {
        var id: String
        var by: String?
        var reason: String?
        var approvals: Int
        var needed: Int
    }

    struct ApprovalExecuted: Codable {
        var id: String
        var job: String
        var upstreamStatus: Int?
    }

    struct ApprovalNotified: Codable {
        var id: String
        var url: String
        var attempts: Int
        var status: Int?
        var error: String?
    }
}
