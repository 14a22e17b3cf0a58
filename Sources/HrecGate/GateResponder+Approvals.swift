import Foundation
import HrecJournal
import HrecPolicy
import Hummingbird
import NIOCore

extension GateResponder {
    /// Holds a request the way BigQuery answers a slow job, so an unmodified client keeps
    /// polling: jobs.insert returns a RUNNING job, jobs.query `jobComplete: false`. Nothing is
    /// printed into the agent's terminal.
    func holdForApproval(_ hold: HoldRequest, query: QueryRequest, endpoint: BigQueryEndpoint, body: [UInt8], session: GateSession,
                         requestID: String, sink: (any RecordSink)?, started: UInt64) async -> Response {
        let bodyObject = (try? JSONNode(parsing: body))?.object
        let clientJob = bodyObject?["jobReference"]?["jobId"]?.string
        let job = clientJob ?? "hrec_held_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let sessionID = String(session.token.hashValue.magnitude, radix: 16)
        let fingerprint = ApprovalDesk.fingerprint(query: query, requester: session.identity, session: session.token)
        let insertBody = Self.heldJobInsert(project: endpoint.project, job: String(job), query: query, endpoint: endpoint.name,
                                            body: body, object: bodyObject)
        let responder = self
        let project = endpoint.project
        let outcome = await desk.hold(hold, requester: session.identity, session: sessionID, sql: query.sql, fingerprint: fingerprint,
                                      job: String(job), sink: sink) {
            // The approval is in the journal before the held request runs; if it cannot be, nothing runs.
            do { try await sink?.commit() } catch { return nil }
            var headers = ["Accept: application/json", "Content-Type: application/json", "User-Agent: hrec-gate"]
            if let authorization = try? await responder.authorizer.header() { headers.append(authorization) }
            let response = try? await responder.upstream.send(method: "POST", pathAndQuery: "/bigquery/v2/projects/\(project)/jobs",
                                                              headers: headers, body: insertBody)
            await responder.policy.jobForwarded(String(job))
            return response?.status
        }
        switch outcome {
        case let .held(approval):
            return heldJobAnswer(approval, endpoint: endpoint, requestID: requestID, sink: sink, started: started, creating: true)
        case let .refused(reason):
            let error = BigQueryError(code: 403, reason: "quotaExceeded", message: "hrec cannot hold this request for approval: \(reason)",
                                      statusText: "PERMISSION_DENIED")
            return answer(error: error, requestID: requestID, reason: reason, sink: sink, started: started)
        }
    }

    /// The jobs.insert that runs a held request on approval, as the job id the client polls:
    /// a jobs.insert body's own configuration, or a jobs.query body's query and the options that
    /// carry over, copied as the client's bytes (nothing re-serialised).
    static func heldJobInsert(project: String, job: String, query: QueryRequest, endpoint: String, body: [UInt8],
                              object: JSONObject?) -> [UInt8] {
        func raw(_ key: String) -> [UInt8]? { object?.valueRanges[key].map { Array(body[$0]) } }
        var configuration: [UInt8]
        if endpoint == "jobs.query" {
            var members = [Array(#""query":"#.utf8) + JSONQuoting.quoted(query.sql), Array(#""useLegacySql":false"#.utf8)]
            for key in ["queryParameters", "parameterMode", "defaultDataset", "maximumBytesBilled", "labels"] {
                if let value = raw(key) { members.append(JSONQuoting.quoted(key) + [UInt8(ascii: ":")] + value) }
            }
            configuration = Array(#"{"query":{"#.utf8) + Array(members.joined(separator: [UInt8(ascii: ",")])) + Array("}}".utf8)
        } else {
            configuration = raw("configuration") ?? Array("{}".utf8)
        }
        return Array(#"{"jobReference":{"projectId":"#.utf8) + JSONQuoting.quoted(project) + Array(#","jobId":"#.utf8)
            + JSONQuoting.quoted(job) + Array(#"},"configuration":"#.utf8) + configuration + [UInt8(ascii: "}")]
    }

    /// What the client sees for a held job: running while pending; the refusal once denied or
    /// expired. jobs.get and getQueryResults always agree (a DONE job with `jobComplete: false`
    /// would make the Python client return zero rows).
    func heldJobAnswer(_ approval: Approval, endpoint: BigQueryEndpoint, requestID: String, sink: (any RecordSink)?,
                       started: UInt64, creating: Bool = false) -> Response {
        let reference: [String: Any] = ["projectId": endpoint.project, "jobId": approval.job, "location": "US"]
        let finished = approval.state == .denied || approval.state == .expired
        let message = "Access Denied: \(approval.refusalMessage)"
        if finished && (endpoint.name == "jobs.getQueryResults" || endpoint.name == "jobs.query") {
            return answer(error: .accessDenied(approval.refusalMessage), requestID: requestID, reason: approval.refusalMessage,
                          sink: sink, started: started)
        }
        var object: [String: Any]
        switch endpoint.name {
        case "jobs.query", "jobs.getQueryResults":
            object = ["kind": endpoint.name == "jobs.query" ? "bigquery#queryResponse" : "bigquery#getQueryResultsResponse",
                      "jobReference": reference, "jobComplete": false]
        default:
            var status: [String: Any] = ["state": finished ? "DONE" : (creating ? "PENDING" : "RUNNING")]
            if finished {
                let error: [String: Any] = ["reason": "accessDenied", "message": message]
                status["errorResult"] = error
                status["errors"] = [error]
            }
            object = ["kind": "bigquery#job", "id": "\(endpoint.project):\(approval.job)", "jobReference": reference, "status": status,
                      "configuration": ["query": ["query": approval.sql, "useLegacySql": false], "jobType": "QUERY"],
                      "statistics": ["creationTime": String(Int(approval.createdAt.timeIntervalSince1970 * 1000))]]
        }
        let body = (try? JSONSerialization.data(withJSONObject: object)).map { [UInt8]($0) } ?? []
        let event = GateEvents.Response(
            requestID: requestID, decision: finished ? "deny" : "hold", reason: "\(approval.id): \(approval.state.rawValue)",
            status: 200, upstreamStatus: nil, job: approval.job, rows: nil, totalRows: nil, bytesProcessed: nil,
            latencyMicros: SessionClock.monotonicMicros() - started, upstreamLatencyMicros: nil, responseBytes: body.count,
            responseBody: String(decoding: body, as: UTF8.self), responseBodyTruncated: false, responseBodyCap: responseBodyCap)
        append(type: "gate.response", event, to: sink)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The approvers' API: `GET /hrec/v1/approvals[/ID]`, `POST /hrec/v1/approvals/ID/approve|deny`
    /// with `{"reason": ...}`. Every call proves who it is with an OIDC ID token (Bearer).
    func approvalsAPI(_ request: Request) async -> Response {
        guard let token = request.headers[.authorization].flatMap({ $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }) else {
            return json(["error": "approvers authenticate with their OIDC ID token (Authorization: Bearer)"], status: .unauthorized)
        }
        let approver: Identity
        do {
            approver = try await identity.identify(subjectToken: token)
        } catch {
            return json(["error": "identity token refused: \(error)"], status: .forbidden)
        }
        let parts = request.uri.path.split(separator: "/").map(String.init)  // hrec v1 approvals [id] [verb]
        switch (request.method, parts.count) {
        case (.get, 3):
            return json(["approvals": await desk.all().map(Self.describe)], status: .ok)
        case (.get, 4):
            guard let approval = await desk.approval(id: parts[3]) else { return json(["error": "no held request \(parts[3])"], status: .notFound) }
            return json(Self.describe(approval), status: .ok)
        case (.post, 5) where parts[4] == "approve" || parts[4] == "deny":
            let body = (try? await request.body.collect(upTo: 1 << 16)).map { Array($0.readableBytesView) } ?? []
            let reason = (try? JSONNode(parsing: body))?["reason"]?.string
            do {
                let approval: Approval
                if parts[4] == "approve" {
                    approval = try await desk.approve(id: parts[3], approver: approver, reason: reason)
                } else {
                    guard let reason, !reason.isEmpty else { return json(["error": "a denial needs a reason"], status: .badRequest) }
                    approval = try await desk.deny(id: parts[3], approver: approver, reason: reason)
                }
                return json(Self.describe(approval), status: .ok)
            } catch let refusal as Approval.Refusal {
                return json(["error": refusal.description], status: .forbidden)
            } catch {
                return json(["error": "\(error)"], status: .notFound)
            }
        default:
            return json(["error": "unknown approvals call"], status: .notFound)
        }
    }

    static func describe(_ approval: Approval) -> [String: Any] {
        var object: [String: Any] = [
            "id": approval.id, "state": approval.state.rawValue, "rule": approval.rule, "message": approval.message,
            "requester": approval.requester, "session": approval.session, "sql": approval.sql, "statements": approval.statements,
            "tables": approval.tables, "approvers": approval.approvers, "needed": approval.needed, "job": approval.job,
            "createdAt": ISO8601DateFormatter().string(from: approval.createdAt),
            "expiresAt": ISO8601DateFormatter().string(from: approval.expiresAt),
            "approvals": approval.approvals.map { ["by": $0.by, "reason": $0.reason ?? ""] },
        ]
        object["estimatedBytes"] = approval.estimatedBytes
        if let denial = approval.denial { object["denial"] = ["by": denial.by, "reason": denial.reason ?? ""] }
        if let journal = approval.journal {
            object["journal"] = journal
            object["replay"] = "hrec play \(journal) --at \(Double(approval.sessionOffsetMicros ?? 0) / 1_000_000)s"
        }
        return object
    }

    private func json(_ object: Any, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
