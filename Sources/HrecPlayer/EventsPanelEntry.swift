import HrecExport
import HrecJournal

/// One line of the player's events panel: a BigQuery call (request, decision, masking and
/// response joined), an approval, or a prompt the person submitted.
enum EventsPanelEntry {
    case access(AccessEvent)
    case prompt(SessionPrompt)

    /// Which entries the panel shows; `f` cycles through them.
    enum Filter: CaseIterable {
        case all, queries, prompts

        var next: Filter {
            let all = Self.allCases
            return all[(all.firstIndex(of: self)! + 1) % all.count]
        }

        /// The panel title for this filter.
        var title: String {
            switch self {
            case .all: "queries and decisions, prompts (f: filter, Enter: go there, Esc: close)"
            case .queries: "queries and decisions only (f: filter, Enter: go there, Esc: close)"
            case .prompts: "prompts only (f: filter, Enter: go there, Esc: close)"
            }
        }

        /// What the panel says when nothing passes.
        var empty: String {
            switch self {
            case .all: "(no queries or prompts in this session)"
            case .queries: "(no queries in this session)"
            case .prompts: "(no prompts in this session)"
            }
        }
    }

    /// The entries of `session` passing `filter`, in time order.
    static func entries(of session: PlayerSession, filter: Filter) -> [EventsPanelEntry] {
        let accesses = filter == .prompts ? [] : session.accesses.map(EventsPanelEntry.access)
        let prompts = filter == .queries ? [] : session.prompts.map(EventsPanelEntry.prompt)
        return (accesses + prompts).sorted { $0.time < $1.time }
    }

    var time: UInt64 {
        switch self {
        case let .access(access): access.time
        case let .prompt(entry): entry.time
        }
    }

    /// The entry in one line.
    var line: String {
        switch self {
        case let .access(access):
            let decision = (access.decision ?? "-").uppercased()
            let what = access.isNetwork ? "net.connect \(access.resources.joined(separator: ", "))"
                : access.sql.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? access.endpoint ?? access.type
            return "\(PlayerState.clock(access.time))  \(decision.padding(toLength: 7, withPad: " ", startingAt: 0)) \(access.principalEmail ?? "")  \(what)"
        case let .prompt(entry):
            return "\(PlayerState.clock(entry.time))  PROMPT  \(Self.flat(entry.prompt.text))\(Self.caveat(entry.prompt))"
        }
    }

    /// The status-line label when `[` or `]` lands on a prompt.
    static func label(_ prompt: PromptEvent) -> String {
        "prompt: \(flat(prompt.text))\(caveat(prompt))"
    }

    /// A prompt's details panel.
    static func detailLines(_ entry: SessionPrompt) -> [String] {
        var lines = ["at       \(PlayerState.clock(entry.time, exact: true))", "type     prompt"]
        if let pastes = entry.prompt.pastes { lines.append("pasted   \(pastes) block\(pastes == 1 ? "" : "s")") }
        if let uncertain = entry.prompt.uncertain {
            lines.append("complete no: the program may have changed the line (\(uncertain.joined(separator: ", ")))")
        }
        lines.append("text")
        lines += entry.prompt.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        lines.append("")
        lines.append("any key: close")
        return lines
    }

    private static func flat(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "⏎") }

    private static func caveat(_ prompt: PromptEvent) -> String {
        prompt.uncertain.map { "  (may be incomplete: \($0.joined(separator: ", ")))" } ?? ""
    }
}
