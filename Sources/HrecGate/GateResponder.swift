import Crypto
import Foundation
import HrecJournal
import HrecPolicy
import HrecSQL
import Hummingbird
import Logging
import NIOCore

/// The request context: hummingbird's core storage plus the client's address.
public struct GateRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The caller's IP address. A caller on the embedded gate's unix socket is the sandboxed
    /// command, relayed from its own loopback: 127.0.0.1 as it sees itself (docs/gate-events.md).
    public var clientIP: String? {
        if case .unixDomainSocket = remoteAddress { return "127.0.0.1" }
        return remoteAddress?.ipAddress
    }

    /// 10 MiB, BigQuery's own request limit (the responder applies `RequestLimits` itself).
    public var maxUploadSize: Int { 10 << 20 }
}

/// Answers every request: the token exchange, the supported BigQuery surface (authenticated,
/// decided, forwarded, recorded), and a BigQuery-shaped 403 for anything else.
public struct GateResponder: HTTPResponder {
    public typealias Context = GateRequestContext

    let identity: GateIdentity
    let sessions: GateSessions
    let journals: GateJournals
    let upstream: UpstreamClient
    let authorizer: UpstreamAuthorizer
    let policy: any RequestPolicy
    let logger: Logger
    /// Table schemas fetched for rules on columns.
    let schemaCache = TableSchemaCache()
    /// Bytes of each response body kept inline in `gate.response` (the rest follows in
    /// `gate.response.body` records).
    let responseBodyCap: Int
    /// Bytes of each response body kept in the journal at most (nil: all of it).
    let responseJournalCap: Int?
    /// Whether the upstream's dry run is asked for before allowing a query.
    let dryRuns: Bool
    /// Held requests awaiting approval.
    let desk: ApprovalDesk
    /// Body and query limits, and the memory budget all requests share.
    let budget: RequestBudget
    /// Resumable uploads started through the gate.
    let uploads = ResumableUploads()
    /// Body records built after their answers (the server waits for them before it stops).
    let deferred = DeferredRecords()

    public func respond(to request: Request, context: GateRequestContext) async throws -> Response {
        let started = SessionClock.monotonicMicros()
        let path = request.uri.path
        if path == "/v1/token" && request.method == .post {
            return await exchangeToken(request, context: context)
        }
        if path == "/healthz" { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        if path.hasPrefix("/hrec/v1/approvals") { return await approvalsAPI(request) }
        var session: GateSession?
        if let token = Self.bearerToken(request.headers[.authorization]) { session = await sessions.session(for: token) }
        // Fail closed: nothing is answered, let alone forwarded, that cannot be recorded.
        var sink: (any RecordSink)? = session?.sink
        if sink == nil { sink = try? await journals.gateSink() }
        guard let sink else { return Self.unrecordable("the gate cannot open its journal") }
        if let stall = sink.stall { return Self.unrecordable("\(stall)") }
        let response = try await handleAPI(request, context: context, session: session, sink: sink, started: started)
        do {
            try await sink.commit()  // the response event is in the file before the client sees the answer
        } catch {
            return Self.unrecordable("\(error)")
        }
        // The rest of a large body follows through the writer queue once the answer is written
        // (ResponseRecord.answer): the answer does not wait on it.
        return response
    }

    /// A retryable BigQuery-shaped 503 for a call that cannot be recorded (nothing was forwarded).
    static func unrecordable(_ reason: String) -> Response {
        let error = BigQueryError.unavailable(
            "hrec cannot record this call, so it was not forwarded: \(reason). Retry once the session's journal can be written again.")
        return Response(status: error.status, headers: [.contentType: "application/json; charset=UTF-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }

    /// The BigQuery surface: authenticate → parse → record → decide → (commit) → forward → record.
    private func handleAPI(_ request: Request, context: GateRequestContext, session: GateSession?, sink: (any RecordSink)?,
                           started: UInt64) async throws -> Response {
        let path = request.uri.path
        let requestID = RequestID.make()
        let method = request.method.rawValue
        let clientIP = context.clientIP
        let userAgent = request.headers[.userAgent]
        var event = GateEvents.Request(requestID: requestID, principal: session.map { GateEvents.Principal($0.identity) }, clientIP: clientIP,
                                       userAgent: userAgent, method: method, path: path, prompt: journals.lastPrompt?.current)

        guard let endpoint = BigQueryEndpoint.parse(method: method, path: path) else {
            let error = BigQueryError.accessDenied("\(method) \(path) is not part of the BigQuery API this gate forwards")
            return refuse(error, event: event, sink: sink, started: started)
        }
        event.endpoint = endpoint.name
        event.project = endpoint.project
        event.dataset = endpoint.dataset
        event.table = endpoint.table
        event.job = endpoint.job
        guard let session else {
            let error = BigQueryError.accessDenied("the request has no valid hrec gate token (authenticate through the gate's /v1/token)")
            return refuse(error, event: event, sink: sink, started: started)
        }
        if endpoint.name == "jobs.upload.data", let sink {
            return await uploadData(request, endpoint: endpoint, session: session, event: event, sink: sink, started: started)
        }
        // Bounded: the body's size is reserved from the gate's memory budget before it is read.
        let bodyLimit = budget.limits.maxBodyBytes
        let tooLarge = BigQueryError.invalid("Request payload size exceeds the limit: \(bodyLimit) bytes.")
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > bodyLimit { return refuse(tooLarge, event: event, sink: sink, started: started) }
        let reserved = min(declared ?? bodyLimit, bodyLimit)
        guard budget.reserve(reserved) else {
            let busy = BigQueryError.unavailable("the hrec gate is at its memory budget for request bodies; retry shortly")
            return refuse(busy, event: event, sink: sink, started: started)
        }
        defer { budget.release(reserved) }
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: bodyLimit).readableBytesView)
        } catch {
            return refuse(tooLarge, event: event, sink: sink, started: started)
        }
        var query: QueryRequest?
        if endpoint.carriesSQL {
            do {
                query = try QueryRequest.parse(endpoint: endpoint.name, body: body)
            } catch let error as BigQueryError {
                return refuse(error, event: event, sink: sink, started: started)
            }
            if let sql = query?.sql, sql.unicodeScalars.count > budget.limits.maxQueryCharacters {
                return refuse(.queryTooLarge(limitCharacters: budget.limits.maxQueryCharacters), event: event, sink: sink, started: started)
            }
            event.sql = query?.sql
            event.parameters = query?.parameters
            event.defaultDataset = query?.defaultDataset
            event.dryRun = query?.dryRun
        }
        if endpoint.name == "jobs.upload", request.uri.queryParameters.get("uploadType") != "resumable" {
            event.uploadBytes = body.count
            event.uploadSHA256 = Hex.encode(Array(SHA256.hash(data: body)))
        }
        guard append(type: "gate.request", event, to: sink, requestID: requestID) else {
            return unencodable(event, sink: sink, started: started)
        }

        if let job = endpoint.job, let approval = await desk.approval(forJob: job), approval.state != .executed {
            return heldJobAnswer(approval, endpoint: endpoint, requestID: requestID, sink: sink, started: started)
        }
        var forwardedBody = body
        let responder = self
        let dryRun: @Sendable () async -> DryRun? = { [query] in
            guard responder.dryRuns, let query, !query.dryRun, !query.useLegacySQL else { return nil }
            return await responder.dryRun(query, project: endpoint.project)
        }
        switch await policy.decide(GateCall(identity: session.identity, endpoint: endpoint, query: query, dryRun: dryRun,
                                            requestID: requestID, body: body, contentType: request.headers[.contentType],
                                            uploadType: request.uri.queryParameters.get("uploadType"),
                                            tableSchema: { await responder.cachedTableSchema($0) }), sink: sink) {
        case let .deny(message, rules):
            let error = BigQueryError.accessDenied(message)
            return answer(error: error, requestID: requestID, reason: "denied by \(rules.joined(separator: ", "))", sink: sink, started: started)
        case let .allow(cap):
            if let cap, query != nil { forwardedBody = Self.settingMaximumBytesBilled(cap, in: body, endpoint: endpoint.name) }
        case let .hold(hold):
            guard let query else { break }
            return await holdForApproval(hold, query: query, endpoint: endpoint, body: body, session: session, requestID: requestID,
                                         sink: sink, started: started)
        }
        if let refusal = await commitBeforeForwarding(sink, requestID: requestID, started: started) { return refusal }
        if endpoint.name == "jobs.insert", let job = Self.clientJobID(body) { await policy.jobForwarded(job) }
        let call = GateCall(identity: session.identity, endpoint: endpoint, query: query, dryRun: { nil }, requestID: requestID)
        return await forward(request, call: call, body: forwardedBody, requestID: requestID, sink: sink, started: started)
    }

    private func forward(_ request: Request, call: GateCall, body: [UInt8], requestID: String,
                         sink: (any RecordSink)?, started: UInt64) async -> Response {
        let endpoint = call.endpoint
        var headers = ["Accept: application/json", "User-Agent: hrec-gate"]
        if let contentType = request.headers[.contentType] { headers.append("Content-Type: \(contentType)") }
        let pathAndQuery = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
        let upstreamStarted = SessionClock.monotonicMicros()
        var response: UpstreamResponse
        do {
            if let authorization = try await authorizer.header() { headers.append(authorization) }
            let hasBody = request.method == .post || request.method == .patch || request.method == .put
            let streamAbove = Self.streamedEndpoints.contains(endpoint.name) ? budget.limits.streamAboveBytes : nil
            response = try await upstream.send(method: request.method.rawValue, pathAndQuery: pathAndQuery, headers: headers,
                                               body: hasBody ? body : nil, budget: budget, streamAbove: streamAbove)
        } catch let refusal as GateError where refusal.isResponseRefusal {
            return responseDropped(refusal, requestID: requestID, sink: sink, started: started)
        } catch {
            logger.error("upstream failed", metadata: ["error": "\(error)", "endpoint": "\(endpoint.name)"])
            return answer(error: Self.upstreamUnavailable, requestID: requestID, reason: "\(error)", sink: sink, started: started)
        }
        let selected = request.uri.queryParameters.get("selectedFields").map { $0.split(separator: ",").map(String.init) }
        if let rest = response.rest {
            return await forwardStreamed(head: response, rest: rest, call: call, selected: selected, requestID: requestID, sink: sink,
                                         started: started, upstreamStarted: upstreamStarted)
        }
        if endpoint.name == "jobs.upload", let location = response.location {
            // A resumable upload's session URL is the gate's own: the data must come through it.
            guard let own = resumableLocation(location, request: request, call: call) else {
                let error = BigQueryError.accessDenied("hrec cannot hand out this upload's session URL, so the upload is refused")
                return answer(error: error, requestID: requestID, reason: "upstream upload URL \(location) not on the upstream", sink: sink,
                              started: started)
            }
            response.location = own
        }
        return await answerWhole(response, call: call, selected: selected, requestID: requestID, sink: sink, started: started,
                                 upstreamLatency: SessionClock.monotonicMicros() - upstreamStarted)
    }

    /// The answer to a call whose upstream response was dropped as it arrived: too large to take
    /// in (400, asking for smaller pages), or beyond the memory budget (retryable 503).
    func responseDropped(_ refusal: GateError, requestID: String, sink: (any RecordSink)?, started: UInt64) -> Response {
        guard case let .responseRefused(tooLarge, reason) = refusal else {
            return answer(error: Self.upstreamUnavailable, requestID: requestID, reason: "\(refusal)", sink: sink, started: started)
        }
        logger.error("upstream response dropped", metadata: ["reason": "\(reason)", "request": "\(requestID)"])
        let error = tooLarge
            ? BigQueryError.invalid("hrec cannot take in this response (\(reason)); ask for smaller pages (maxResults)")
            : BigQueryError.unavailable("hrec cannot take in this response now (\(reason)); retry shortly")
        return answer(error: error, requestID: requestID, reason: reason, sink: sink, started: started)
    }

    /// Masks, summarises and records a response held whole, and answers with it.
    func answerWhole(_ response: UpstreamResponse, call: GateCall, selected: [String]?, requestID: String, sink: (any RecordSink)?,
                     started: UInt64, upstreamLatency: UInt64) async -> Response {
        var response = response
        let endpoint = call.endpoint
        let responder = self
        let answered = AnsweredCall(call: call, status: response.status, body: response.body, selectedFields: selected, tableSchema: {
            await responder.cachedTableSchema(TableRef(project: endpoint.project, dataset: endpoint.dataset ?? "", table: endpoint.table ?? ""))
        }, scan: nil)
        let filtered = await policy.filterResponse(answered)
        switch filtered.filter {
        case .pass:
            break
        case let .masked(body, report, columns, rows):
            response.body = body
            append(type: "masking.applied", MaskingEvent(requestID: requestID, endpoint: endpoint.name, tables: report["tables"] ?? "",
                                                         rows: rows, columns: columns), to: sink)
        case let .refuse(reason):
            let error = BigQueryError.accessDenied("hrec could not mask this response, so it is withheld: \(reason)")
            return answer(error: error, requestID: requestID, reason: reason, sink: sink, started: started)
        }
        // Masking changes values inside the rows only: the scan of the upstream body still holds.
        let summary = ResponseSummary(scan: filtered.scan)
        if let job = summary.job, endpoint.carriesSQL || endpoint.name == "jobs.upload" { await policy.jobForwarded(job) }
        let record = ResponseRecord(requestID: requestID, body: response.body, inlineCap: responseBodyCap, journalCap: responseJournalCap)
        var event = GateEvents.Response(
            requestID: requestID, decision: "allow", reason: nil, status: response.status, upstreamStatus: response.status,
            job: summary.job, rows: summary.rows, totalRows: summary.totalRows, bytesProcessed: summary.bytesProcessed,
            latencyMicros: SessionClock.monotonicMicros() - started, upstreamLatencyMicros: upstreamLatency,
            responseBytes: response.body.count, responseBody: record.inline,
            responseBodyTruncated: record.inlineTruncated, responseBodyCap: responseBodyCap)
        event.responseBodyChunks = record.chunkRanges.isEmpty ? nil : record.chunkRanges.count
        event.responseJournalCap = record.cap
        event.responseSHA256 = record.sha256
        guard append(type: "gate.response", event, to: sink, requestID: requestID) else {
            return Self.unrecordable("the gate.response event of request \(requestID) cannot be encoded")
        }
        var headerFields = HTTPFields()
        headerFields[.contentType] = response.contentType ?? "application/json; charset=UTF-8"
        if let location = response.location, endpoint.name == "jobs.upload" { headerFields[.location] = location }
        return record.answer(status: response.status, headers: headerFields, lease: response.lease, sink: sink, deferred: deferred)
    }

    private func refuse(_ error: BigQueryError, event: GateEvents.Request, sink: (any RecordSink)?, started: UInt64) -> Response {
        append(type: "gate.request", event, to: sink, requestID: event.requestID)
        logger.notice("refused", metadata: ["path": "\(event.path)", "reason": "\(error.message)"])
        return answer(error: error, requestID: event.requestID, reason: error.message, sink: sink, started: started)
    }

    /// Commits the journal before anything goes upstream; the refusal to answer when it cannot
    /// (nothing is forwarded that is not recorded), nil when the commit held.
    func commitBeforeForwarding(_ sink: (any RecordSink)?, requestID: String, started: UInt64) async -> Response? {
        do {
            try await sink?.commit()
            return nil
        } catch {
            let refusal = BigQueryError.unavailable("hrec cannot record this call, so it was not forwarded: \(error). Retry later.")
            return answer(error: refusal, requestID: requestID, reason: "journal not writable", sink: sink, started: started)
        }
    }

    /// The upstream is unreachable: a 502 lets clients retry, which is right for a transport failure.
    static let upstreamUnavailable = BigQueryError(code: 502, reason: "badGateway", message: "hrec gate: upstream unavailable",
                                                   statusText: "UNAVAILABLE")

    func answer(error: BigQueryError, requestID: String, reason: String, sink: (any RecordSink)?, started: UInt64) -> Response {
        let body = error.body
        let event = GateEvents.Response(
            requestID: requestID, decision: error.code == 403 ? "deny" : "error", reason: reason, status: error.code,
            upstreamStatus: nil, job: nil, rows: nil, totalRows: nil, bytesProcessed: nil,
            latencyMicros: SessionClock.monotonicMicros() - started, upstreamLatencyMicros: nil, responseBytes: body.count,
            responseBody: String(decoding: body, as: UTF8.self), responseBodyTruncated: false, responseBodyCap: responseBodyCap)
        append(type: "gate.response", event, to: sink, requestID: requestID)
        return Response(status: error.status, headers: [.contentType: "application/json; charset=UTF-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// tables.get through the upstream (for the masking schema of tabledata.list).
    func tableSchema(project: String, dataset: String, table: String) async -> [SchemaField]? {
        var headers = ["Accept: application/json"]
        do {
            if let authorization = try await authorizer.header() { headers.append(authorization) }
        } catch {
            return nil
        }
        guard let response = try? await upstream.send(method: "GET", pathAndQuery: "/bigquery/v2/projects/\(project)/datasets/\(dataset)/tables/\(table)",
                                                      headers: headers, body: nil), response.status == 200 else { return nil }
        return try? ResponseScan(body: response.body).schema
    }

    /// The schema of `table` for the policy's column rules, from the cache or tables.get. Each
    /// name part is percent-encoded (a table name from the SQL never steers the upstream path).
    func cachedTableSchema(_ table: TableRef) async -> [SchemaField]? {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_:"))
        let parts = [table.project, table.dataset, table.table].map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        guard !parts.contains(""), !table.table.contains("*") else { return nil }
        let responder = self
        return await schemaCache.schema(table.description) {
            await responder.tableSchema(project: parts[0], dataset: parts[1], table: parts[2])
        }
    }

    /// `masking.applied`: which columns were masked, how, and how many values (never the values).
    struct MaskingEvent: Codable {
        var requestID: String
        var endpoint: String
        var tables: String
        var rows: Int
        var columns: [[String: String]]
    }

    /// The body with `maximumBytesBilled` set (jobs.query: top level; jobs.insert:
    /// configuration.query), spliced into the client's bytes: nothing else is re-serialised.
    /// A body without the object to set it in is returned unchanged (it carries no query).
    static func settingMaximumBytesBilled(_ cap: UInt64, in body: [UInt8], endpoint: String) -> [UInt8] {
        guard let root = (try? JSONNode(parsing: body))?.object else { return body }
        let target = endpoint == "jobs.insert" ? root["configuration"]?["query"]?.object : root
        return target?.setting("maximumBytesBilled", toEncoded: Array("\"\(cap)\"".utf8), in: body) ?? body
    }

    /// The job id a jobs.insert body chooses, if any.
    static func clientJobID(_ body: [UInt8]) -> String? {
        (try? JSONNode(parsing: body))?["jobReference"]?["jobId"]?.string
    }

    /// The token of an `Authorization: Bearer TOKEN` header (scheme in any case, blanks around
    /// the token dropped); nil for any other header.
    static func bearerToken(_ authorization: String?) -> String? {
        guard let header = authorization?.utf8, header.count > 7,
              header.prefix(7).elementsEqual("bearer ".utf8, by: { ASCII.lowercased($0) == $1 }) else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let token = header.dropFirst(7).drop(while: isBlank)
        return String(Substring(token.prefix(token.count - token.reversed().prefix(while: isBlank).count)))
    }

    /// Appends an event for the call `requestID`; false when it could not be encoded (a
    /// `gate.unrecordable` event says so instead): the call must then be refused.
    @discardableResult
    func append<Payload: Encodable>(type: String, _ payload: Payload, to sink: (any RecordSink)?, requestID: String? = nil) -> Bool {
        guard let sink else { return true }
        guard sink.append(type: type, payload, requestID: requestID) else {
            logger.error("cannot encode event", metadata: ["type": "\(type)", "request": "\(requestID ?? "-")"])
            return false
        }
        return true
    }

    /// The refusal of a call whose record could not be encoded (nothing was forwarded).
    func unencodable(_ event: GateEvents.Request, sink: (any RecordSink)?, started: UInt64) -> Response {
        let error = BigQueryError.invalid("hrec cannot record this request (its \(event.endpoint ?? "body") has a value no JSON record can hold), "
                                          + "so it was not forwarded")
        return answer(error: error, requestID: event.requestID, reason: "the gate.request event cannot be encoded", sink: sink, started: started)
    }
}
