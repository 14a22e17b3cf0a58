import Foundation
import HrecGate
import HrecJournal
import Hummingbird
import Logging
import NIOCore

/// The request context: hummingbird's core storage, with the collector's body limit.
public struct CollectorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// 64 MiB: more than any frame unit or batch of them a recorder sends.
    public var maxUploadSize: Int { 64 << 20 }
}

/// Answers the collector's HTTP surface (docs/collector.md): authenticate, parse the path,
/// hand the body to `JournalIntake`, answer JSON (or the stored bytes of a part).
public struct CollectorResponder: HTTPResponder {
    public typealias Context = CollectorRequestContext

    let identity: GateIdentity
    let intake: JournalIntake
    let logger: Logger

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        do {
            return try await route(request, context: context, path: path)
        } catch let error as CollectorError {
            if case .storage = error { logger.error("\(error)") }
            return Self.json(status: error.status, error.body)
        } catch {
            let refusal = CollectorError.malformed("the request body could not be read: \(error)")
            return Self.json(status: refusal.status, refusal.body)
        }
    }

    private func route(_ request: Request, context: Context, path: String) async throws -> Response {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if parts == ["hrec", "v1", "sessions"] && request.method == .get {
            let subject = try await authenticate(request)
            let sessions = try await intake.sessions(subject: subject).map(\.description)
            return try Self.json(status: 200, Self.encode(["sessions": sessions]))
        }
        guard parts.count >= 4, parts[0] == "hrec", parts[1] == "v1", parts[2] == "journals" else {
            throw CollectorError.notFound("no such endpoint: \(request.method) \(path)")
        }
        guard let session = SessionID(hex: parts[3]), parts[3].count == 32 else {
            throw CollectorError.malformed("'\(parts[3])' is not a 32-hex session id")
        }
        let subject = try await authenticate(request)
        switch (request.method, Array(parts.dropFirst(4))) {
        case (.get, []):
            return try Self.json(status: 200, Self.encode(await intake.status(session: session, subject: subject)))
        case (.put, ["preamble"]):
            try await intake.putPreamble(session: session, bytes: body(request, context))
            return try Self.json(status: 200, Self.encode(["sessionID": session.description]))
        case (.post, ["frames"]):
            let receipt = try await intake.acceptFrames(session: session, body: body(request, context), subject: subject)
            return try Self.json(status: 200, Self.encode(receipt))
        case (.put, ["index"]):
            let receipt = try await intake.putIndex(session: session, bytes: body(request, context), subject: subject)
            return try Self.json(status: 200, Self.encode(receipt))
        case let (.get, rest) where rest.count == 2 && rest[0] == "parts":
            let bytes = try await intake.part(session: session, name: rest[1], subject: subject)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        default:
            throw CollectorError.notFound("no such endpoint: \(request.method) \(path)")
        }
    }

    /// The subject of the bearer token (any token in dev mode, where everyone is the dev identity).
    private func authenticate(_ request: Request) async throws(CollectorError) -> String {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw .unauthenticated("an Authorization: Bearer <OIDC ID token> header is required")
        }
        do {
            return try await identity.identify(subjectToken: String(header.dropFirst(7))).subject
        } catch {
            logger.info("token refused: \(error)")
            throw .unauthenticated("the bearer token was refused")
        }
    }

    private func body(_ request: Request, _ context: Context) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    static func json(status: Int, _ body: [UInt8]) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
