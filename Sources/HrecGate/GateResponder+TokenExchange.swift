import Foundation
import HrecJournal
import Hummingbird
import NIOCore

extension GateResponder {
    /// RFC 8693 token exchange: the subject token (an OIDC ID token) is verified; the answer
    /// is a short-lived opaque gate token bound to that identity. Refusals are a plain OAuth
    /// `invalid_grant`; the reason goes to the log and the journal only.
    func exchangeToken(_ request: Request, context: GateRequestContext) async -> Response {
        let clientIP = context.clientIP
        let userAgent = request.headers[.userAgent]
        let sink = try? await journals.gateSink()
        let form: [String: String]
        do {
            form = Self.parseForm(Array(try await request.body.collect(upTo: 1 << 20).readableBytesView))
        } catch {
            return oauthError("invalid_request", "unreadable body", status: .badRequest)
        }
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange" else {
            return oauthError("unsupported_grant_type", "only urn:ietf:params:oauth:grant-type:token-exchange is supported", status: .badRequest)
        }
        guard let subjectToken = form["subject_token"], !subjectToken.isEmpty else {
            return oauthError("invalid_request", "subject_token is missing", status: .badRequest)
        }
        let identity: Identity
        let usableUntil: Date?
        do {
            (identity, usableUntil) = try await self.identity.identifyWithExpiry(subjectToken: subjectToken)
        } catch {
            let reason = "\(error)"
            logger.warning("token exchange refused", metadata: ["reason": "\(reason)", "client": "\(clientIP ?? "?")"])
            append(type: "gate.token", GateEvents.Token(outcome: "refused", principal: nil, reason: reason, clientIP: clientIP,
                                                        userAgent: userAgent, expiresAt: nil), to: sink)
            return oauthError("invalid_grant", "the identity token was refused by the hrec gate", status: .badRequest)
        }
        let sessionSink: any RecordSink
        do {
            sessionSink = try await journals.sessionSink(for: identity)
        } catch {
            return oauthError("temporarily_unavailable", "the hrec gate cannot open a journal", status: .badRequest)
        }
        let session = await sessions.issue(for: identity, sink: sessionSink, notAfter: usableUntil)
        let expires = ISO8601DateFormatter().string(from: session.expiresAt)
        append(type: "gate.token", GateEvents.Token(outcome: "issued", principal: .init(identity), reason: nil, clientIP: clientIP,
                                                    userAgent: userAgent, expiresAt: expires), to: sessionSink)
        do {
            try await sessionSink.commit()  // no token goes out that the journal does not show
        } catch {
            return oauthError("temporarily_unavailable", "the hrec gate cannot write its journal", status: .serviceUnavailable)
        }
        let answer: [String: Any] = [
            "access_token": session.token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "token_type": "Bearer",
            "expires_in": max(0, Int(session.expiresAt.timeIntervalSinceNow.rounded(.down))),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func oauthError(_ code: String, _ description: String, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": code, "error_description": description])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `application/x-www-form-urlencoded` into a dictionary (last value wins).
    static func parseForm(_ body: [UInt8]) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            form[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }
}
