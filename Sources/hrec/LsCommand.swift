import ArgumentParser
import Foundation
import HrecCollector
import HrecDelivery
import HrecExport

/// `hrec ls`: lists recorded sessions, filtered, from the session index.
struct LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List recorded sessions, with filters.",
        discussion: """
            Reads every journal (*.hrec) under the given directories (default \
            $XDG_DATA_HOME/hrec/sessions) through an index in $XDG_CACHE_HOME/hrec/catalog.sqlite \
            that is updated incrementally: only new or changed journals are read again, and a \
            deleted index is rebuilt. The journals stay the source of truth.

            With --collector, the sessions that collector holds and you may read are copied \
            (only new frames are fetched) into $XDG_CACHE_HOME/hrec/collector/ and listed with \
            the same filters.

            Filters combine: every one given must hold. Exit status 0 when the listing was \
            produced (even empty), 1 on an error.
            """)

    @OptionGroup var options: CatalogOptions

    @Flag(help: "Print one JSON object per session (one per line).")
    var json = false

    @OptionGroup(title: "Collector") var collectorOptions: CollectorOptions

    @Argument(help: "Journal files or directories to list.")
    var locations: [String] = []

    func run() async throws {
        var locations = locations
        if let mirrored = try await collectorOptions.mirroredLocation() { locations.append(mirrored) }
        let catalog = try options.refreshedCatalog(locations)
        let sessions = try catalog.sessions(matching: options.filter())
        if json {
            for session in sessions { print(Self.json(session)) }
            return
        }
        let deliveries = Dictionary(sessions.compactMap { s in DeliveryState.load(session: s.sessionID).map { (s.sessionID, $0.cell) } },
                                    uniquingKeysWith: { first, _ in first })
        var rows = [["STARTED (UTC)", "DURATION", "USER", "EXIT", "DECISIONS", "TABLES"] + (deliveries.isEmpty ? [] : ["DELIVERY"]) + ["COMMAND", "FILE"]]
        for s in sessions {
            let delivery = deliveries.isEmpty ? [] : [deliveries[s.sessionID] ?? "-"]
            rows.append([String(CSVTable.timestamp(micros: s.startedAtMicros).prefix(19)).replacingOccurrences(of: "T", with: " "),
                         Duration.text(s.durationMicros), s.user, s.exitStatus.map(String.init) ?? (s.truncated ? "cut" : "-"),
                         s.decisions.isEmpty ? "-" : s.decisions.joined(separator: ","),
                         s.tables.isEmpty ? "-" : s.tables.joined(separator: ",")] + delivery + [
                         (s.unconfined ? "[UNCONFINED] " : "") + s.command, s.path])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let padded = row.enumerated().map { column, cell in
                column < widths.count ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
            }
            print(padded.joined(separator: "  "))
        }
    }

    static func json(_ s: SessionSummary) -> String {
        var object: [String: Any] = [
            "path": s.path, "sessionID": s.sessionID, "startedAt": CSVTable.timestamp(micros: s.startedAtMicros),
            "durationSeconds": Double(s.durationMicros) / 1_000_000, "user": s.user, "osUser": s.osUser, "host": s.host,
            "command": s.command, "tables": s.tables, "decisions": s.decisions, "masked": s.masked,
            "events": s.eventCount, "prompts": s.promptCount, "truncated": s.truncated, "netDenied": s.netDenied,
            "unconfined": s.unconfined,
        ]
        object["exitStatus"] = s.exitStatus
        object["policyDigest"] = s.policyDigest
        if let state = DeliveryState.load(session: s.sessionID) {
            object["delivery"] = ["collector": state.collector, "deliveredFrames": state.deliveredFrames, "frames": state.localFrames,
                                  "delivered": state.isDelivered, "summary": state.summary]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
