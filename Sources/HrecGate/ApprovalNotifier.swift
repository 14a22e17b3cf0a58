import Foundation

/// Tells a webhook about a held request with a Slack-compatible JSON payload (`{"text": ...}`),
/// over libcurl, retried. A failed delivery only gets recorded: it never approves anything.
actor ApprovalNotifier {
    struct Outcome: Sendable {
        var delivered: Bool
        var attempts: Int
        var status: Int?
        var error: String?
    }

    func send(url: String, text: String, approval: String, attempts maximum: Int = 3) async -> Outcome {
        let body = (try? JSONSerialization.data(withJSONObject: ["text": text, "approval": approval])) ?? Data()
        let client = UpstreamClient(baseURL: url, workers: 1, timeoutMillis: 10_000, connectTimeoutMillis: 3_000)
        var last = Outcome(delivered: false, attempts: 0, status: nil, error: nil)
        for attempt in 1...maximum {
            last.attempts = attempt
            do {
                let response = try await client.send(method: "POST", pathAndQuery: "", headers: ["Content-Type: application/json"],
                                                     body: [UInt8](body))
                last.status = response.status
                if (200..<300).contains(response.status) {
                    last.delivered = true
                    return last
                }
                last.error = "answered \(response.status)"
            } catch {
                last.error = "\(error)"
            }
            try? await Task.sleep(for: .milliseconds(200 * attempt * attempt))
        }
        return last
    }
}
