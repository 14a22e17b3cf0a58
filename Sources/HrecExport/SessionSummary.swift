import Foundation
import HrecJournal

/// What the catalog knows about one journal: who, what, when, and the data it touched.
public struct SessionSummary: Sendable, Equatable {
    /// The journal file.
    public var path: String
    public var sessionID: String
    /// Wall-clock start, µs since the Unix epoch.
    public var startedAtMicros: Int64
    /// Duration in µs (to the last complete record).
    public var durationMicros: UInt64
    /// The verified identity's email, else the OS user.
    public var user: String
    public var osUser: String
    public var host: String
    /// The recorded command line, words joined by spaces.
    public var command: String
    /// The command's exit status, when the journal was closed cleanly.
    public var exitStatus: Int32?
    /// Tables and resources named by gate events, sorted.
    public var tables: [String]
    /// Decisions seen (`allow`, `deny`, `review`), sorted.
    public var decisions: [String]
    /// Whether any response had masked columns.
    public var masked: Bool
    /// Number of structured events.
    public var eventCount: Int
    /// Whether the journal stops before its end record.
    public var truncated: Bool
    /// The policy digest in force, when a gate ran.
    public var policyDigest: String?
    /// Whether the egress proxy denied some connection (a `net.connect` event with `deny`).
    public var netDenied = false
    /// Whether the command ran without confinement (`--unconfined`, or recorded before hrec confined).
    public var unconfined = false
    /// Number of `prompt` events (lines the person submitted).
    public var promptCount = 0

    /// The wall-clock start.
    public var startedAt: Date { Date(timeIntervalSince1970: Double(startedAtMicros) / 1_000_000) }
}

/// Searchable text found in a journal, with the record time it belongs to.
public struct SessionText: Sendable, Equatable {
    /// Where the text came from.
    public enum Source: String, Sendable, Equatable, CaseIterable {
        /// SQL text from a gate event.
        case sql
        /// A structured event's JSON or a marker label.
        case event
        /// A line of terminal output.
        case screen
        /// A prompt the person submitted (a `prompt` event's text).
        case prompt
    }
    public var time: UInt64
    public var source: Source
    public var text: String
    /// For SQL: the prompt the person submitted last before the call, as the gate recorded it.
    public var prompt: String?
}

/// A `prompt` event and its time on the session's timeline (µs).
public struct SessionPrompt: Sendable, Equatable {
    public var time: UInt64
    public var prompt: PromptEvent

    public init(time: UInt64, prompt: PromptEvent) {
        self.time = time
        self.prompt = prompt
    }
}

/// Reads a whole journal once and produces its summary, access events and searchable text.
public struct JournalDigest: Sendable {
    public var summary: SessionSummary
    /// Every data access (a gate call's request, decision and response joined into one; see
    /// `AccessLogMerger`), every approval and every `net.connect`, in journal order.
    public var accessEvents: [AccessEvent]
    public var texts: [SessionText]
    /// The `prompt` events, in journal order.
    public var prompts: [SessionPrompt]

    /// Reads `reader` fully.
    /// - Throws: `ExportError.journal` when a frame cannot be decoded.
    public init(reader: JournalReader) throws(ExportError) {
        let header = reader.header
        var events: [AccessEvent] = []
        var texts: [SessionText] = []
        var screen = ScreenText()
        var eventCount = 0
        var merger = AccessLogMerger()
        var prompts: [SessionPrompt] = []
        do {
            try reader.forEachRecord { record in
                switch record.body {
                case let .output(bytes):
                    screen.feed(bytes, time: record.time)
                case let .event(event):
                    eventCount += 1
                    if let prompt = PromptEvent(event: event) {
                        prompts.append(SessionPrompt(time: record.time, prompt: prompt))
                        texts.append(SessionText(time: record.time, source: .prompt, text: prompt.text))
                        return
                    }
                    let access = AccessEvent(event: event, time: record.time)
                    if access.isAccess || access.isApproval { events += merger.add(access) }
                    if let sql = access.sql { texts.append(SessionText(time: record.time, source: .sql, text: sql, prompt: access.prompt)) }
                    texts.append(SessionText(time: record.time, source: .event, text: Self.eventText(event)))
                case let .marker(label):
                    texts.append(SessionText(time: record.time, source: .event, text: label))
                default:
                    break
                }
            }
        } catch {
            throw .journal(path: reader.url.path, reason: "\(error)")
        }
        screen.finish()
        events += merger.finish()
        texts += screen.lines.map { SessionText(time: $0.time, source: .screen, text: $0.text) }
        let end = try? reader.endRecord()
        let dataEvents = events.filter { !$0.isNetwork }
        summary = SessionSummary(
            path: reader.url.path, sessionID: header.sessionID.description,
            startedAtMicros: header.startedAtMicros, durationMicros: reader.duration,
            user: header.identity?.email ?? header.osUser, osUser: header.osUser, host: header.host,
            command: header.command.joined(separator: " "), exitStatus: end?.exitStatus,
            tables: Array(Set(dataEvents.flatMap(\.resources))).sorted(),
            decisions: Array(Set(dataEvents.compactMap(\.decision))).sorted(),
            masked: events.contains { !$0.maskedColumns.isEmpty }, eventCount: eventCount,
            truncated: reader.isTruncated, policyDigest: header.policyDigest,
            netDenied: events.contains { $0.isNetwork && $0.decision == "deny" },
            unconfined: !(header.confinement?.isConfined ?? false), promptCount: prompts.count)
        accessEvents = events
        self.prompts = prompts
        self.texts = texts
    }

    /// The event's JSON without its SQL (found under `.sql` already), for event-text search.
    static func eventText(_ event: JournalEvent) -> String {
        guard let object = event.object, object["sql"] != nil,
              let data = try? JSONSerialization.data(withJSONObject: object.filter { $0.key != "sql" }, options: [.sortedKeys]) else {
            return String(decoding: event.json, as: UTF8.self)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Opens and reads the journal at `url`.
    public init(url: URL) throws(ExportError) {
        let reader: JournalReader
        do {
            reader = try JournalReader(url: url)
        } catch {
            throw .journal(path: url.path, reason: error.description)
        }
        try self.init(reader: reader)
    }
}
