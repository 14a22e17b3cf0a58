import Foundation
import HrecJournal
import HrecPolicy
import Hummingbird
import NIOCore

/// Resumable uploads (what `load_table_from_file` and friends use above 5 MB): the start is a
/// `jobs.upload` decided like a load job; the upstream's session URL is kept in the gate and the
/// client gets the gate's own; each data request is streamed to the upstream, never held whole.
extension GateResponder {
    /// The gate's own session URL for an upstream one, or nil (and the start is refused) when
    /// the upstream's URL is not on the upstream host or the client named no host.
    func resumableLocation(_ location: String, request: Request, call: GateCall) -> String? {
        guard let host = request.head.authority, !host.contains("/"),
              let id = uploads.register(location: location, upstreamBase: upstream.baseURL, subject: call.identity.subject,
                                        project: call.endpoint.project) else { return nil }
        return "http://\(host)/upload/bigquery/v2/projects/\(call.endpoint.project)/jobs?uploadType=resumable&upload_id=\(id)"
    }

    /// A resumable upload's data request (`PUT ...?upload_id=`): forwarded, streamed, to the
    /// upstream session the gate started for this identity, after the request is journaled.
    func uploadData(_ request: Request, endpoint: BigQueryEndpoint, session: GateSession, event: GateEvents.Request,
                    sink: any RecordSink, started: UInt64) async -> Response {
        var event = event
        let id: String? = request.uri.queryParameters.get("upload_id").map { String($0) }
        event.uploadID = id
        event.contentRange = request.headers[.contentRange]
        guard append(type: "gate.request", event, to: sink, requestID: event.requestID) else {
            return unencodable(event, sink: sink, started: started)
        }
        guard let id, let upload = uploads.upload(id, subject: session.identity.subject, project: endpoint.project) else {
            let error = BigQueryError.accessDenied("upload \(id ?? "(no upload_id)") was not started through this gate by this identity")
            return answer(error: error, requestID: event.requestID, reason: error.message, sink: sink, started: started)
        }
        if let refusal = await commitBeforeForwarding(sink, requestID: event.requestID, started: started) { return refusal }
        var headers = ["User-Agent: hrec-gate"]
        if let value = request.headers[.contentType] { headers.append("Content-Type: \(value)") }
        if let value = request.headers[.contentRange] { headers.append("Content-Range: \(value)") }
        let length = request.headers[.contentLength].flatMap { Int($0) }
        let pipe = UploadPipe()
        let feeder = Task {
            var complete = true
            do {
                for try await buffer in request.body {
                    guard await pipe.write(Array(buffer.readableBytesView)) else { complete = false; break }
                }
            } catch {
                complete = false
            }
            pipe.finish(complete: complete)
        }
        let upstreamStarted = SessionClock.monotonicMicros()
        let response: UpstreamResponse
        do {
            if let authorization = try await authorizer.header() { headers.append(authorization) }
            response = try await upstream.upload(method: "PUT", pathAndQuery: upload.upstreamPathAndQuery, headers: headers,
                                                 length: length, pipe: pipe)
        } catch {
            pipe.close()
            _ = await feeder.result
            return answer(error: Self.upstreamUnavailable, requestID: event.requestID, reason: "\(error)", sink: sink, started: started)
        }
        _ = await feeder.result
        let scan = response.status == 200 || response.status == 201 ? try? ResponseScan(body: response.body) : nil
        if let job = scan?.jobID { await policy.jobForwarded(job) }
        if response.status != 308 && response.status < 500 { uploads.finish(id) }
        let capped = response.body.prefix(responseBodyCap)
        var answered = GateEvents.Response(
            requestID: event.requestID, decision: "allow", reason: nil, status: response.status, upstreamStatus: response.status,
            job: scan?.jobID, rows: nil, totalRows: nil, bytesProcessed: nil,
            latencyMicros: SessionClock.monotonicMicros() - started, upstreamLatencyMicros: SessionClock.monotonicMicros() - upstreamStarted,
            responseBytes: response.body.count, responseBody: String(decoding: capped, as: UTF8.self),
            responseBodyTruncated: capped.count < response.body.count, responseBodyCap: responseBodyCap)
        (answered.uploadBytes, answered.uploadSHA256) = pipe.deliveredDigest
        guard append(type: "gate.response", answered, to: sink, requestID: event.requestID) else {
            return Self.unrecordable("the gate.response event of request \(event.requestID) cannot be encoded")
        }
        var fields = HTTPFields()
        fields[.contentType] = response.contentType ?? "application/json; charset=UTF-8"
        if let range = response.range { fields[.range] = range }
        return Response(status: .init(code: response.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
