import Foundation
import HrecJournal

/// The CSV tables of an evidence bundle, computed once from its entries.
struct EvidenceTables {
    var accessLog = CSVTable(columns: AccessLogEncoder.columns)
    var approvals = CSVTable(columns: ["time", "session_id", "principal_email", "approvers", "rule", "resources",
                                       "statement_kind", "decision", "event_type"])
    var denials = CSVTable(columns: ["time", "session_id", "principal_email", "client_ip", "resources",
                                     "statement_kind", "rule", "reason", "sql", "prompt"])
    /// What people typed into the agents: one row per `prompt` event.
    var prompts = CSVTable(columns: ["time", "session_id", "user", "text", "complete", "uncertain", "pastes"])
    var masking = CSVTable(columns: ["time", "session_id", "principal_email", "resources", "masked_columns", "rule", "rows"])
    var sessions = CSVTable(columns: ["session_id", "file", "started", "duration_seconds", "user", "os_user", "host",
                                      "command", "exit_status", "events", "tables", "decisions", "policy_digest",
                                      "integrity", "chain_head", "signer_fingerprint", "confined"])
    /// Sessions whose command ran without confinement: id, file, user, command.
    var unconfined: [[String]] = []
    /// Policy digest -> session ids that ran under it.
    var policyDigests: [String: Set<String>] = [:]
    /// SHA-256 of policy text -> text, from events that carry the policy source.
    var policyTexts: [String: String] = [:]
    /// Bytes and rows that left, by principal and resource.
    var egress: [String: (bytes: UInt64, rows: UInt64, requests: Int)] = [:]

    init(entries: [EvidenceBundle.Entry]) {
        for entry in entries {
            guard let digest = entry.digest else {
                sessions.append(["", entry.path, "", "", "", "", "", "", "", "", "", "", "", entry.integrity,
                                 entry.report.chainHead, entry.report.signerFingerprint ?? "", ""])
                continue
            }
            let s = digest.summary
            sessions.append([s.sessionID, entry.path, CSVTable.timestamp(micros: s.startedAtMicros),
                             String(format: "%.3f", Double(s.durationMicros) / 1_000_000), s.user, s.osUser, s.host,
                             s.command, s.exitStatus.map(String.init) ?? "", String(s.eventCount),
                             s.tables.joined(separator: ";"), s.decisions.joined(separator: ";"), s.policyDigest ?? "",
                             entry.integrity, entry.report.chainHead, entry.report.signerFingerprint ?? "",
                             s.unconfined ? "UNCONFINED" : "yes"])
            if s.unconfined { unconfined.append([s.sessionID, entry.path, s.user, s.command]) }
            if let policy = s.policyDigest { policyDigests[policy, default: []].insert(s.sessionID) }
            add(digest, summary: s)
        }
    }

    private mutating func add(_ digest: JournalDigest, summary s: SessionSummary) {
        let principalDefault = s.user
        for event in digest.accessEvents {
            let time = CSVTable.timestamp(micros: s.startedAtMicros + Int64(event.time))
            let principal = event.principalEmail ?? principalDefault
            let resources = event.resources.joined(separator: ";")
            let rules = event.ruleIDs.joined(separator: ";")
            if let policy = event.policyDigest { policyDigests[policy, default: []].insert(s.sessionID) }
            if event.isAccess {
                accessLog.append([time, principal, event.subject ?? "", event.clientIP ?? "", s.sessionID, event.endpoint ?? "",
                       resources, event.statementKind ?? "", event.decision ?? "", rules,
                       event.approvers.joined(separator: ";"), event.bytes.map(String.init) ?? "",
                       event.rows.map(String.init) ?? "", event.maskedColumns.joined(separator: ";"),
                       event.promptID.map(String.init) ?? "", event.prompt ?? ""])
            }
            if event.isApproval {
                approvals.append([time, s.sessionID, principal, event.approvers.joined(separator: ";"), rules, resources,
                                  event.statementKind ?? "", event.decision ?? "", event.type])
            }
            if event.decision == "deny" {
                denials.append([time, s.sessionID, principal, event.clientIP ?? "", resources, event.statementKind ?? "",
                                rules, event.reason ?? "", event.sql ?? "", event.prompt ?? ""])
            }
            if !event.maskedColumns.isEmpty {
                masking.append([time, s.sessionID, principal, resources, event.maskedColumns.joined(separator: ";"), rules,
                                event.rows.map(String.init) ?? ""])
            }
            if event.bytes != nil || event.rows != nil {
                let key = "\(principal)\t\(resources.isEmpty ? "-" : resources)"
                var total = egress[key] ?? (0, 0, 0)
                total.bytes += event.bytes ?? 0
                total.rows += event.rows ?? 0
                total.requests += 1
                egress[key] = total
            }
        }
        for entry in digest.prompts {
            prompts.append([CSVTable.timestamp(micros: s.startedAtMicros + Int64(entry.time)), s.sessionID, principalDefault,
                            entry.prompt.text, entry.prompt.complete ? "yes" : "no",
                            (entry.prompt.uncertain ?? []).joined(separator: ";"), String(entry.prompt.pastes ?? 0)])
        }
        for text in digest.texts where text.source == .event && text.text.contains("\"policy") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.text.utf8))) as? [String: Any],
                  let source = (object["policySource"] ?? object["policyText"] ?? object["source"]) as? String else { continue }
            policyTexts[ManifestSigner.sha256(Data(source.utf8))] = source
        }
    }
}
