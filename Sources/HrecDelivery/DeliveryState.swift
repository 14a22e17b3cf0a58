import Foundation
import HrecCollector
import HrecJournal

/// Where one journal's delivery stands, kept in a small file per session in hrec's data
/// directory (`$XDG_DATA_HOME/hrec/delivery/SESSION.json`, 0600, outside what a confined command
/// sees) so that `hrec ls`, `hrec info` and `hrec deliver` know it without asking the collector.
/// The collector stays the authority: a shipper asks it (GET) before sending anything.
public struct DeliveryState: Codable, Sendable, Equatable {
    public var sessionID: String
    /// The journal's path when it was last shipped.
    public var journal: String
    public var collector: String
    /// Frame units found in the local journal.
    public var localFrames: UInt64
    /// Frame units the collector acknowledged.
    public var deliveredFrames: UInt64
    /// Whether the local journal is complete (final frame and seek index written).
    public var journalComplete: Bool
    /// Whether the collector acknowledged the seek index.
    public var indexDelivered: Bool
    public var lastReceipt: Receipt?
    /// The last failure, while frames are pending.
    public var lastError: String?
    public var updatedAtMicros: Int64

    public init(sessionID: String, journal: String, collector: String) {
        self.sessionID = sessionID
        self.journal = journal
        self.collector = collector
        localFrames = 0
        deliveredFrames = 0
        journalComplete = false
        indexDelivered = false
        updatedAtMicros = SessionClock.wallMicros()
    }

    /// Every part of a complete journal is held by the collector.
    public var isDelivered: Bool { journalComplete && indexDelivered && deliveredFrames == localFrames }

    /// Frame units not yet acknowledged.
    public var pendingFrames: UInt64 { localFrames > deliveredFrames ? localFrames - deliveredFrames : 0 }

    /// One line for people: `delivered 12/12 frames, receipt 16:40:02` or `3 frames pending (...)`.
    public var summary: String {
        let frames = "\(deliveredFrames)/\(localFrames) frames"
        var text = if isDelivered {
            "delivered \(frames)"
        } else if pendingFrames > 0 {
            "\(pendingFrames) frame\(pendingFrames == 1 ? "" : "s") pending (delivered \(frames))"
        } else if journalComplete {
            "seek index pending (delivered \(frames))"
        } else {
            "delivered \(frames) (journal not closed)"
        }
        if let lastReceipt { text += ", receipt \(Self.clock(lastReceipt.receivedAt))" }
        if !isDelivered, let lastError { text += "; last error: \(lastError)" }
        return text
    }

    /// A short cell for `hrec ls`.
    public var cell: String {
        isDelivered ? "delivered" : pendingFrames > 0 ? "\(pendingFrames) pending" : journalComplete ? "index pending" : "open"
    }

    /// `$XDG_DATA_HOME/hrec/delivery` (default `~/.local/share/hrec/delivery`).
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return data.appendingPathComponent("hrec/delivery")
    }

    /// The state file of `session` in `directory`.
    public static func url(session: String, in directory: URL = defaultDirectory) -> URL {
        directory.appendingPathComponent("\(session).json")
    }

    /// The saved state of `session`, if any (nil also when the file is unreadable or not a state).
    public static func load(session: String, in directory: URL = defaultDirectory) -> DeliveryState? {
        guard let data = FileManager.default.contents(atPath: url(session: session, in: directory).path), data.count < 1 << 20 else { return nil }
        return try? JSONDecoder().decode(DeliveryState.self, from: data)
    }

    /// Every saved state in `directory`.
    public static func all(in directory: URL = defaultDirectory) -> [DeliveryState] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { load(session: String($0.dropLast(5)), in: directory) }
    }

    /// Writes the state (0600, replaced atomically; the directory is created 0700).
    /// - Throws: `DeliveryError.configuration` naming the file when it cannot be written.
    public func save(in directory: URL = defaultDirectory) throws(DeliveryError) {
        let target = Self.url(session: sessionID, in: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let temporary = directory.appendingPathComponent(".\(sessionID).\(getpid()).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: try encoder.encode(self),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            guard rename(temporary.path, target.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw .configuration("cannot write the delivery state '\(target.path)': \(error.localizedDescription)")
        }
    }

    private static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + " UTC"
    }
}
