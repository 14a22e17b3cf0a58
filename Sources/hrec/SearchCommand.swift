import ArgumentParser
import Foundation
import HrecExport

/// `hrec search`: finds SQL, event, prompt and screen text across sessions.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find SQL text, prompts, event text and screen text across sessions.",
        discussion: """
            PATTERN is matched case-insensitively as plain text against the SQL the gate saw, \
            the prompts people submitted, structured events and markers, and lines of terminal output (escape sequences \
            removed). Each match prints the session, the time into it, where the text was found, \
            the text, and the command that replays that moment (its time is rounded up to the \
            millisecond, so the replayed screen includes the match). Exit status 0 when something \
            matched, 1 when nothing did or on an error.
            """)

    @Argument(help: "The text to find.")
    var pattern: String

    @Argument(help: "Journal files or directories to search (default: the sessions directory).")
    var locations: [String] = []

    @Option(help: ArgumentHelp("Search only these sources, comma-separated.", valueName: "sql,prompt,event,screen"))
    var `in`: String?

    @OptionGroup var options: CatalogOptions

    @Flag(help: "Print one JSON object per match.")
    var json = false

    @OptionGroup(title: "Collector") var collectorOptions: CollectorOptions

    func run() async throws {
        var sources = Set(SessionText.Source.allCases)
        if let list = `in` {
            sources = []
            for name in list.split(separator: ",") {
                guard let source = SessionText.Source(rawValue: String(name)) else {
                    throw CLIError("--in: unknown source '\(name)' (use sql, prompt, event, screen)")
                }
                sources.insert(source)
            }
        }
        guard !pattern.isEmpty else { throw CLIError("the search pattern is empty") }
        var locations = locations
        if let mirrored = try await collectorOptions.mirroredLocation() { locations.append(mirrored) }
        let catalog = try options.refreshedCatalog(locations)
        let hits = try catalog.search(pattern, sources: sources, filter: options.filter())
        for hit in hits {
            // One instant for the text and the replay command: whole milliseconds, rounded up so
            // that playing to it includes the record that matched.
            let millis = (hit.time + 999) / 1000
            let seconds = String(format: "%.3f", Double(millis) / 1000)
            let replay = "hrec play \(Self.shellQuote(hit.session.path)) --at \(seconds)s"
            if json {
                var object: [String: Any] = ["path": hit.session.path, "sessionID": hit.session.sessionID,
                                             "time": Double(hit.time) / 1_000_000, "source": hit.source.rawValue,
                                             "text": hit.text, "replay": replay]
                if let prompt = hit.prompt { object["prompt"] = prompt }
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("\(hit.session.sessionID.prefix(12))  \(Duration.text(millis * 1000))  \(hit.source.rawValue)  \(hit.text.prefix(160))")
                if let prompt = hit.prompt { print("    after prompt: \(prompt.replacingOccurrences(of: "\n", with: "⏎").prefix(160))") }
                print("    \(replay)")
            }
        }
        if hits.isEmpty { throw ExitCode(1) }
    }

    static func shellQuote(_ text: String) -> String {
        guard text.contains(where: { !($0.isLetter || $0.isNumber || "/._-+".contains($0)) }) else { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
