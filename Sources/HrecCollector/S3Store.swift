import Crypto
import Foundation
import HrecGate
import HrecJournal

/// Parts in an S3-compatible bucket (AWS S3, GCS's interoperability API, MinIO, Ceph), spoken
/// over libcurl with path-style URLs and AWS Signature V4. Writes are `PUT` with
/// `If-None-Match: *` (create-only); with `objectLockDays` each object is locked in compliance
/// mode until that many days after its write.
public struct S3Store: PartStore {
    /// Where and how to reach the bucket.
    public struct Settings: Sendable {
        /// `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`.
        public var endpoint: String
        public var bucket: String
        /// Prepended to every key (e.g. `team-a/`).
        public var prefix: String
        public var region: String
        public var accessKey: String
        public var secretKey: String
        /// Days of compliance-mode retention per object; nil: no lock headers.
        public var objectLockDays: Int?

        public init(endpoint: String, bucket: String, prefix: String = "", region: String, accessKey: String, secretKey: String,
                    objectLockDays: Int? = nil) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.prefix = prefix
            self.region = region
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.objectLockDays = objectLockDays
        }
    }

    let settings: Settings
    let signer: S3Signer
    let client: UpstreamClient
    let host: String

    /// - Throws: `CollectorError.configuration` when the endpoint is not an http(s) URL.
    public init(settings: Settings) throws(CollectorError) {
        guard let url = URL(string: settings.endpoint), let scheme = url.scheme, ["http", "https"].contains(scheme),
              let hostName = url.host, url.path.isEmpty || url.path == "/" else {
            throw .configuration("s3 endpoint '\(settings.endpoint)' is not an http(s) URL without a path")
        }
        self.settings = settings
        host = url.port.map { "\(hostName):\($0)" } ?? hostName
        signer = S3Signer(accessKey: settings.accessKey, secretKey: settings.secretKey, region: settings.region)
        client = UpstreamClient(baseURL: "\(scheme)://\(host)", workers: 8, timeoutMillis: 60_000)
    }

    public var location: String { "s3://\(settings.bucket)/\(settings.prefix)" }

    /// Reads a key nobody writes: 404 proves the bucket, the credentials and the signature.
    public func check() async throws(CollectorError) {
        _ = try await read("journals/.hrec-collector-check")
    }

    public func create(_ key: String, bytes: [UInt8]) async throws(CollectorError) -> CreateOutcome {
        var headers = [("If-None-Match", "*"), ("Content-Type", "application/octet-stream"),
                       ("Content-MD5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())]
        if let days = settings.objectLockDays {
            let until = Date().addingTimeInterval(Double(days) * 86_400)
            headers += [("x-amz-object-lock-mode", "COMPLIANCE"),
                        ("x-amz-object-lock-retain-until-date", until.formatted(.iso8601))]
        }
        let response = try await send("PUT", key: key, query: [], headers: headers, body: bytes)
        switch response.status {
        case 200: return .created
        case 409, 412:
            // Another writer got there first (412), or is writing it right now (409): read it back.
            guard let existing = try await read(key) else { throw failure("PUT", key, response) }
            return .existing(existing)
        default: throw failure("PUT", key, response)
        }
    }

    public func read(_ key: String) async throws(CollectorError) -> [UInt8]? {
        let response = try await send("GET", key: key, query: [], headers: [], body: nil)
        switch response.status {
        case 200: return response.body
        case 404: return nil
        default: throw failure("GET", key, response)
        }
    }

    public func list(prefix: String) async throws(CollectorError) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await listPage(prefix: settings.prefix + prefix, token: token, maxKeys: 1000)
            keys += page.keys.compactMap { $0.hasPrefix(settings.prefix) ? String($0.dropFirst(settings.prefix.count)) : nil }
            token = page.next
        } while token != nil
        return keys
    }

    private func listPage(prefix: String, token: String?, maxKeys: Int) async throws(CollectorError) -> S3ListPage {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let token { query.append(("continuation-token", token)) }
        let response = try await send("GET", key: nil, query: query, headers: [], body: nil)
        guard response.status == 200 else { throw failure("LIST", prefix, response) }
        return S3ListPage(xml: String(decoding: response.body, as: UTF8.self))
    }

    /// Signs and sends one request; `key` nil addresses the bucket itself.
    private func send(_ method: String, key: String?, query: [(String, String)], headers: [(String, String)],
                      body: [UInt8]?) async throws(CollectorError) -> UpstreamResponse {
        let path = "/\(settings.bucket)" + (key.map { "/" + settings.prefix + $0 } ?? "")
        let payloadHash = S3Signer.payloadHash(body ?? [])
        let amzDate = S3Signer.amzDate(Date())
        let signed = headers + [("Host", host), ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash)]
        let authorization = signer.authorization(method: method, path: path, query: query, headers: signed,
                                                 payloadHash: payloadHash, amzDate: amzDate)
        let queryText = query.map { "\(S3Signer.encode($0.0, keepSlash: false))=\(S3Signer.encode($0.1, keepSlash: false))" }
            .joined(separator: "&")
        let pathAndQuery = S3Signer.encode(path, keepSlash: true) + (queryText.isEmpty ? "" : "?" + queryText)
        let lines = (signed.filter { $0.0 != "Host" } + [("Authorization", authorization)]).map { "\($0.0): \($0.1)" }
        do {
            return try await client.send(method: method, pathAndQuery: pathAndQuery, headers: lines, body: body)
        } catch {
            throw .storage("\(location): \(method) \(key ?? "(bucket)") failed: \(error)")
        }
    }

    private func failure(_ method: String, _ key: String, _ response: UpstreamResponse) -> CollectorError {
        let text = String(decoding: response.body.prefix(2000), as: UTF8.self)
        let code = S3ListPage.element("Code", in: text) ?? ""
        let message = S3ListPage.element("Message", in: text) ?? ""
        return .storage("\(location): \(method) \(key) answered HTTP \(response.status) \(code)\(message.isEmpty ? "" : ": " + message)")
    }
}
