import Crypto
import Foundation
import HrecJournal
import HrecPolicy
import HrecSQL
import Hummingbird
import NIOCore

/// Result pages longer than `limits: stream_above` are masked, recorded and forwarded as their
/// rows arrive instead of being held whole (docs/gate-events.md, "Streamed responses").
///
/// The rules stay those of every answer: masking is decided from everything before the rows
/// (the schema comes first), and refused before a byte goes out when it cannot be applied;
/// every piece is in the journal (a `gate.response.body` record, committed) before the client
/// gets it; the `gate.response` with the totals and the whole body's SHA-256 is committed
/// before the last piece goes out. A row that cannot be masked, an upstream that breaks off or
/// a journal that cannot be written ends the answer there: the client's connection is cut, so
/// it never takes a partial body for a whole one.
extension GateResponder {
    /// Endpoints whose large answers stream: the ones that carry result rows.
    static let streamedEndpoints: Set<String> = ["jobs.query", "jobs.getQueryResults", "tabledata.list"]

    /// Bytes gathered into one piece (one journal record, one commit, one write) at least.
    static let streamPieceBytes = 1 << 20

    func forwardStreamed(head: UpstreamResponse, rest: ResponseStream, call: GateCall, selected: [String]?, requestID: String,
                         sink: (any RecordSink)?, started: UInt64, upstreamStarted: UInt64) async -> Response {
        let endpoint = call.endpoint
        let upstreamLatency = SessionClock.monotonicMicros() - upstreamStarted
        var splitter = RowStreamSplitter()
        // What is read past the head while looking for the rows is held, so it is taken from the
        // memory budget like any held body (given back once the rows stream, or with the answer).
        var received = Held(body: head.body, budget: budget)
        var pieces: [RowStreamSplitter.Piece] = []
        do {
            // Read on until the rows begin (the schema and the job come before them).
            pieces = try splitter.feed(head.body)
            while head.status == 200 && !splitter.foundRows, let piece = await rest.next() {
                if let refusal = received.add(piece) {
                    rest.cancel()
                    return responseDropped(refusal, requestID: requestID, sink: sink, started: started)
                }
                pieces += try splitter.feed(piece)
            }
        } catch {
            rest.cancel()
            return answer(error: .accessDenied("hrec could not mask this response, so it is withheld: \(error)"), requestID: requestID,
                          reason: "\(error)", sink: sink, started: started)
        }
        guard head.status == 200, splitter.foundRows, case let .prefix(prefix)? = pieces.first else {
            // No rows to stream (an error status, or no `rows` array): held whole, within the budget.
            return await answerHeld(received, head: head, rest: rest, call: call, selected: selected, requestID: requestID, sink: sink,
                                    started: started, upstreamLatency: upstreamLatency)
        }
        received.release()
        let responder = self
        let skeleton = prefix + Array("]}".utf8)  // the body without its rows: schema, job, totals so far
        let scan: ResponseScan
        do {
            scan = try ResponseScan(body: skeleton)
        } catch {
            rest.cancel()
            return answer(error: .accessDenied("hrec could not mask this response, so it is withheld: it is not well-formed JSON: \(error)"),
                          requestID: requestID, reason: "\(error)", sink: sink, started: started)
        }
        let answered = AnsweredCall(call: call, status: 200, body: skeleton, selectedFields: selected, tableSchema: {
            await responder.cachedTableSchema(TableRef(project: endpoint.project, dataset: endpoint.dataset ?? "", table: endpoint.table ?? ""))
        }, scan: scan)
        var masking: StreamedAnswer.Masking?
        switch await policy.rowMasking(answered) {
        case .pass:
            break
        case let .mask(masker, schema, tables, _):
            masking = .init(masker: masker, schema: schema, tables: tables)
        case let .refuse(reason):
            rest.cancel()
            return answer(error: .accessDenied("hrec could not mask this response, so it is withheld: \(reason)"), requestID: requestID,
                          reason: reason, sink: sink, started: started)
        }
        if let job = scan.jobID, endpoint.carriesSQL { await policy.jobForwarded(job) }
        let streamed = StreamedAnswer(responder: self, requestID: requestID, endpoint: endpoint.name, sink: sink, started: started,
                                    upstreamLatency: upstreamLatency, prefix: prefix, masking: masking)
        let remaining = Array(pieces.dropFirst())
        let body = ResponseBody { [splitter] writer in
            defer { rest.cancel() }
            try await streamed.run(pieces: remaining, splitter: splitter, rest: rest, writer: &writer)
        }
        var fields = HTTPFields()
        fields[.contentType] = head.contentType ?? "application/json; charset=UTF-8"
        return Response(status: .ok, headers: fields, body: body)
    }

    /// A body that turned out not to stream: collected whole (within the memory budget) and
    /// answered like any other.
    private func answerHeld(_ received: Held, head: UpstreamResponse, rest: ResponseStream, call: GateCall, selected: [String]?,
                            requestID: String, sink: (any RecordSink)?, started: UInt64, upstreamLatency: UInt64) async -> Response {
        var received = received
        while let piece = await rest.next() {
            if let refusal = received.add(piece) {
                rest.cancel()
                return responseDropped(refusal, requestID: requestID, sink: sink, started: started)
            }
        }
        do {
            _ = try rest.finished()
        } catch {
            received.release()
            return answer(error: Self.upstreamUnavailable, requestID: requestID, reason: "\(error)", sink: sink, started: started)
        }
        var whole = head
        whole.body = received.body
        whole.rest = nil
        whole.lease = received.lease()
        return await answerWhole(whole, call: call, selected: selected, requestID: requestID, sink: sink, started: started,
                                 upstreamLatency: upstreamLatency)
    }

    /// A body being collected past its head, and what it holds of the memory budget.
    struct Held {
        private(set) var body: [UInt8]
        let budget: RequestBudget
        private var reserved = 0

        init(body: [UInt8], budget: RequestBudget) {
            self.body = body
            self.budget = budget
        }

        /// Adds a piece; the refusal when the body passes `max_response` or the budget (what it
        /// held is then given back).
        mutating func add(_ piece: [UInt8]) -> GateError? {
            body += piece
            let refusal = budget.take(upTo: body.count, reserved: &reserved)
            if refusal != nil { release() }
            return refusal
        }

        /// Gives back what the body holds.
        mutating func release() {
            budget.release(reserved)
            reserved = 0
        }

        /// What the body holds, given back with the response's last copy.
        func lease() -> BudgetLease { BudgetLease(budget: budget, bytes: reserved) }
    }
}

/// One streamed answer: masks each run of rows, records each piece and commits before it goes
/// out, and records the totals before the last piece.
struct StreamedAnswer: Sendable {
    struct Masking: Sendable {
        let masker: RowMasker
        let schema: [SchemaField]
        let tables: [String]
    }

    let responder: GateResponder
    let requestID: String
    let endpoint: String
    let sink: (any RecordSink)?
    let started: UInt64
    let upstreamLatency: UInt64
    let prefix: [UInt8]
    let masking: Masking?

    /// What has gone out so far.
    private struct Progress {
        var offset = 0
        var records = 0
        var rows = 0
        var hasher = SHA256()
        /// The preview: the first bytes, up to the inline cap, ending at a character boundary.
        var inline: [UInt8] = []
        var inlineFull = false
        var report = MaskingReport()
    }

    func run(pieces: [RowStreamSplitter.Piece], splitter: RowStreamSplitter, rest: ResponseStream,
             writer: inout any ResponseBodyWriter) async throws {
        var splitter = splitter
        var progress = Progress()
        var outgoing = prefix
        var tail: [UInt8] = []
        var totalsRecorded = false
        do {
            try take(pieces, into: &outgoing, tail: &tail, progress: &progress)
            while let chunk = await rest.next() {
                try take(try splitter.feed(chunk), into: &outgoing, tail: &tail, progress: &progress)
                if outgoing.count >= GateResponder.streamPieceBytes {
                    try await send(outgoing, progress: &progress, writer: &writer)
                    outgoing = []
                }
            }
            _ = try rest.finished()  // the upstream broke off: throws
            guard !tail.isEmpty else { throw GateError.upstream("the upstream's rows never end") }
            if !outgoing.isEmpty { try await send(outgoing, progress: &progress, writer: &writer) }
            // The rest is checked whole (nothing the masker did not see, such as a second rows
            // array, may follow the rows), recorded, then the totals, all committed before it goes out.
            let scan = try ResponseScan(body: prefix + tail)
            record(tail, progress: &progress)
            try finish(scan: scan, progress: progress)
            totalsRecorded = true
            try await sink?.commit()
            try await writer.write(ByteBuffer(bytes: tail))
            try await writer.finish(nil)
        } catch {
            // Cut short: what went out is on record; say why, and cut the client's connection.
            responder.logger.error("streamed answer cut short", metadata: ["request": "\(requestID)", "error": "\(error)"])
            if !totalsRecorded {
                responder.append(type: "gate.response", event(progress: progress, reason: "cut short after \(progress.offset) bytes: \(error)"),
                                 to: sink, requestID: requestID)
            }
            try? await sink?.commit()
            throw error
        }
    }

    /// Adds pieces: rows masked (when the policy masks) onto `outgoing`, the rest onto `tail`.
    private func take(_ pieces: [RowStreamSplitter.Piece], into outgoing: inout [UInt8], tail: inout [UInt8],
                      progress: inout Progress) throws {
        for piece in pieces {
            switch piece {
            case .prefix:
                throw GateError.upstream("the upstream's answer has a second rows array")
            case let .rows(leading, elements, count):
                outgoing += leading
                if let masking {
                    let array = [UInt8(ascii: "[")] + elements + [UInt8(ascii: "]")]
                    let (masked, report) = try masking.masker.mask(array, rows: 0..<array.count, schema: masking.schema)
                    outgoing += masked.dropFirst().dropLast()
                    progress.report.merge(report)
                } else {
                    outgoing += elements
                }
                progress.rows += count
            case let .rest(bytes):
                tail += bytes
                // What follows the rows is a few members; it is held until the totals are recorded.
                if tail.count > RowStreamSplitter.defaultMaxPending {
                    throw GateError.upstream("more than \(RowStreamSplitter.defaultMaxPending) bytes follow the rows")
                }
            }
        }
    }

    /// Records `bytes`, commits, then sends them.
    private func send(_ bytes: [UInt8], progress: inout Progress, writer: inout any ResponseBodyWriter) async throws {
        record(bytes, progress: &progress)
        try await sink?.commit()
        try await writer.write(ByteBuffer(bytes: bytes))
    }

    /// Appends the `gate.response.body` record of the next `bytes` (within the journal's cap).
    private func record(_ bytes: [UInt8], progress: inout Progress) {
        progress.hasher.update(data: bytes)
        if !progress.inlineFull {
            let room = responder.responseBodyCap - progress.inline.count
            let cut = room >= bytes.count ? bytes.count : ResponseRecord.characterBoundary(in: bytes, atOrBefore: room)
            progress.inline += bytes[..<cut]
            progress.inlineFull = cut < bytes.count
        }
        let kept = responder.responseJournalCap.map { max(0, min(bytes.count, $0 - progress.offset)) } ?? bytes.count
        if kept > 0 {
            let part = bytes[..<kept]
            let utf8 = part.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) != nil }
            sink?.append(event: ResponseRecord.chunk(requestID: requestID, index: progress.records, offset: progress.offset,
                                                     bytes: part, utf8: utf8))
            progress.records += 1
        }
        progress.offset += bytes.count
    }

    /// Appends `masking.applied` and the `gate.response` with the totals.
    private func finish(scan: ResponseScan, progress: Progress) throws {
        if let masking {
            responder.append(type: "masking.applied", GateResponder.MaskingEvent(requestID: requestID, endpoint: endpoint, tables: masking.tables.joined(separator: ","),
                                                                   rows: progress.report.rows, columns: progress.report.columnSummaries), to: sink)
        }
        var event = event(progress: progress, reason: nil)
        event.job = scan.jobID
        event.totalRows = scan.totalRows
        event.bytesProcessed = scan.totalBytesProcessed
        guard responder.append(type: "gate.response", event, to: sink, requestID: requestID) else {
            throw GateError.upstream("the gate.response event of request \(requestID) cannot be encoded")
        }
    }

    /// The `gate.response` of what went out so far.
    private func event(progress: Progress, reason: String?) -> GateEvents.Response {
        var event = GateEvents.Response(
            requestID: requestID, decision: reason == nil ? "allow" : "error", reason: reason, status: 200, upstreamStatus: 200,
            job: nil, rows: progress.rows, totalRows: nil, bytesProcessed: nil,
            latencyMicros: SessionClock.monotonicMicros() - started, upstreamLatencyMicros: upstreamLatency,
            responseBytes: progress.offset, responseBody: String(decoding: progress.inline, as: UTF8.self),
            responseBodyTruncated: true, responseBodyCap: responder.responseBodyCap)
        event.responseStreamed = true
        event.responseBodyChunks = progress.records
        event.responseJournalCap = responder.responseJournalCap.flatMap { progress.offset > $0 ? $0 : nil }
        event.responseSHA256 = Hex.encode(Array(progress.hasher.finalize()))
        return event
    }
}
