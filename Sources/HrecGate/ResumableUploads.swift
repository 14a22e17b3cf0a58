import Foundation
import HrecJournal
import Synchronization

/// The resumable uploads this gate started: the upload URL the gate hands the client stands for
/// the upstream's session URL, which never leaves the gate. A data request is forwarded only for
/// an upload id the gate issued, to the identity that started the upload, before it expires.
final class ResumableUploads: Sendable {
    struct Upload: Sendable {
        /// The upstream's session URL as path and query (on the gate's upstream host).
        var upstreamPathAndQuery: String
        var subject: String
        var project: String
        var expires: Date
    }

    private let uploads = Mutex<[String: Upload]>([:])
    /// How long an upload session stays usable (BigQuery's own last a week; agents finish in hours).
    let lifetime: TimeInterval
    /// The most uploads kept at once: a command starting uploads without end makes the one
    /// closest to expiry make room, never the gate's memory grow.
    let capacity: Int

    init(lifetime: TimeInterval = 24 * 3600, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Registers the upstream's session URL `location` (absolute, on `upstreamBase`) for
    /// `subject`; returns the gate's id for it, or nil when the URL is not on the upstream.
    func register(location: String, upstreamBase: String, subject: String, project: String, now: Date = Date()) -> String? {
        guard location.hasPrefix(upstreamBase + "/") else { return nil }
        let pathAndQuery = String(location.dropFirst(upstreamBase.count))
        var random = SystemRandomNumberGenerator()
        let id = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        uploads.withLock { uploads in
            if uploads.count >= capacity {
                uploads = uploads.filter { $0.value.expires > now }
                if uploads.count >= capacity, let soonest = uploads.min(by: { $0.value.expires < $1.value.expires })?.key {
                    uploads[soonest] = nil
                }
            }
            uploads[id] = Upload(upstreamPathAndQuery: pathAndQuery, subject: subject, project: project,
                                 expires: now.addingTimeInterval(lifetime))
        }
        return id
    }

    /// The upload `id` names, when it exists, has not expired and was started by `subject` in `project`.
    func upload(_ id: String, subject: String, project: String, now: Date = Date()) -> Upload? {
        uploads.withLock { uploads in
            guard let upload = uploads[id], upload.expires > now, upload.subject == subject, upload.project == project else { return nil }
            return upload
        }
    }

    /// Forgets `id` (the upload completed or failed for good).
    func finish(_ id: String) {
        _ = uploads.withLock { $0.removeValue(forKey: id) }
    }
}
