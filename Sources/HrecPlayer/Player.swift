import CNcurses
import Foundation
import HrecExport
import HrecJournal

/// `hrec play` in a terminal: the recorded screen with seek, rewind, speed, search, and panels of
/// queries, decisions and session details. Quitting gives the terminal back as it was.
public final class Player {
    public struct Options {
        public var speed: Double = 1
        public var idleLimit: UInt64?
        public var start: UInt64 = 0
        public var paused = false
        public init() {}
    }

    private enum Overlay { case none, help, details, events, entryDetails(EventsPanelEntry) }
    private enum Prompt { case search, goTo }

    private let session: PlayerSession
    private var state: PlayerState
    private var view: PlayerView!
    private var screen: ScreenView
    private var shownSteps = -1
    private var layout: ViewLayout?
    private var overlay = Overlay.none
    private var prompt: (kind: Prompt, text: String)?
    private var needle = ""
    private var message: (text: String, until: DispatchTime)?
    private var selectedEntry = 0
    private var panelFilter = EventsPanelEntry.Filter.all
    private var panelEntries: [EventsPanelEntry] = []
    private var quit = false

    public init(session: PlayerSession, options: Options) {
        self.session = session
        state = session.initialState()
        state.setSpeed(options.speed)
        state.idleLimit = options.idleLimit
        state.seek(to: options.start)
        state.playing = !options.paused
        screen = session.seeker.view(afterSteps: 0)
    }

    /// Runs until `q`. Throws when the terminal cannot be driven.
    public func run() throws {
        guard hrec_tui_start() == 0 else { throw PlayerError.notATerminal }
        defer { hrec_tui_stop() }
        view = PlayerView(colors: ColorMapping(available: Int(hrec_tui_colors())))
        session.seeker.startBuilding()
        var last = DispatchTime.now().uptimeNanoseconds
        while !quit {
            draw()
            let key = Int(hrec_tui_key(state.playing ? 20 : 250))
            let now = DispatchTime.now().uptimeNanoseconds
            state.advance(realMicros: (now - last) / 1000)
            last = now
            if key != HREC_KEY_NONE { handle(key) }
        }
    }

    // MARK: - Drawing

    private func draw() {
        let steps = state.shownSteps
        if steps != shownSteps {
            screen = session.seeker.view(afterSteps: steps)
            shownSteps = steps
            layout = currentLayout(following: true)
        }
        let (rows, columns) = PlayerView.terminalSize
        hrec_tui_erase()
        let layout = self.layout ?? currentLayout(following: true)
        self.layout = layout
        if session.failsVerification {
            view.bar("⚠ FAILED VERIFICATION: \(session.verificationProblem ?? "?") (played with --force)", row: 0, columns: columns, fg: 1, bold: true)
        }
        view.drawScreen(screen, layout: layout)
        drawOverlay(rows: rows, columns: columns)
        drawStatus(row: rows - 1, columns: columns)
        hrec_tui_refresh()
    }

    private func currentLayout(following: Bool) -> ViewLayout {
        let (rows, columns) = PlayerView.terminalSize
        let top = session.failsVerification ? 1 : 0
        var layout = ViewLayout(areaTop: top, areaRows: rows - 1 - top, areaColumns: columns,
                                screenRows: screen.rows, screenColumns: screen.columns,
                                panRow: self.layout?.panRow ?? 0, panColumn: self.layout?.panColumn ?? 0)
        if following, layout.isPanned { layout = layout.following(row: screen.cursor.row, column: screen.cursor.column) }
        return layout
    }

    private func drawStatus(row: Int, columns: Int) {
        if let prompt {
            let label = prompt.kind == .search ? "/" : "go to (e.g. 1m30s, 90, 1:30): "
            view.bar(label + prompt.text, row: row, columns: columns)
            hrec_tui_cursor(Int32(row), Int32(min(label.count + prompt.text.count, columns - 1)), 1)
            return
        }
        let header = session.timeline.header
        var parts = [
            // The position in µs whether playing or paused, so the line does not jump between them.
            "\(state.playing ? "▶" : "❚❚") \(PlayerState.clock(state.position, exact: true)) / \(PlayerState.clock(state.duration))",
            Self.speedText(state.speed),
        ]
        if session.timeline.isTruncated { parts.append("TRUNCATED: plays to the last complete frame") }
        if let layout, layout.isPanned {
            parts.append("view \(layout.panRow + 1)-\(layout.panRow + layout.visibleRows),\(layout.panColumn + 1)-\(layout.panColumn + layout.visibleColumns)")
        }
        if let message, message.until > .now() {
            parts.append(message.text)
        } else {
            parts.append(header.identity?.email ?? header.osUser)
            parts.append(header.command.joined(separator: " "))
            parts.append(Self.dateText(header.startedAt))
        }
        let help = columns >= 70 ? "? help" : ""
        let left = " " + parts.joined(separator: "  ")
        let room = max(columns - help.count - 1, 0)
        view.bar(left.count > room ? String(left.prefix(room)) : left.padding(toLength: room, withPad: " ", startingAt: 0), row: row, columns: columns, bold: session.timeline.isTruncated)
        view.text(help, row: row, column: room, width: help.count, reverse: true)
    }

    private func drawOverlay(rows: Int, columns: Int) {
        switch overlay {
        case .none: break
        case .help: view.centredPanel(title: "hrec play: keys", lines: Self.helpLines)
        case .details: view.centredPanel(title: "session", lines: detailLines())
        case let .entryDetails(.access(access)): view.centredPanel(title: "query", lines: accessDetailLines(access))
        case let .entryDetails(.prompt(prompt)): view.centredPanel(title: "prompt", lines: EventsPanelEntry.detailLines(prompt))
        case .events:
            let height = max(min(rows / 2, panelEntries.count + 2), 3)
            let lines = panelEntries.isEmpty ? [panelFilter.empty] : panelEntries.map(\.line)
            let room = height - 2
            let scroll = max(0, min(selectedEntry - room / 2, lines.count - room))
            view.panel(title: panelFilter.title, lines: lines, top: rows - 1 - height, left: 0,
                       height: height, width: columns, selected: panelEntries.isEmpty ? nil : selectedEntry, scroll: scroll)
        }
    }

    // MARK: - Keys

    private func handle(_ key: Int) {
        if prompt != nil { return handlePrompt(key) }
        switch overlay {
        case .events where handleEventsPanel(key): return
        case .help, .details, .entryDetails:
            overlay = .none
            if key == 0x1B || key == 0x3F || key == 0x69 || key == HREC_KEY_ENTER { return }
        default: break
        }
        switch key {
        case 0x71, 0x51, 3: quit = true  // q, Q, Ctrl-C
        case 0x20:
            if state.atEnd && !state.playing { state.seek(to: 0) }
            state.playing.toggle()
        case 0x2B, 0x3D: state.faster()  // + =
        case 0x2D, 0x5F: state.slower()  // - _
        case HREC_KEY_LEFT: state.seek(by: -5_000_000)
        case HREC_KEY_RIGHT: state.seek(by: 5_000_000)
        case HREC_KEY_SHIFT_LEFT: state.seek(by: -30_000_000)
        case HREC_KEY_SHIFT_RIGHT: state.seek(by: 30_000_000)
        case HREC_KEY_HOME: state.seek(to: 0)
        case HREC_KEY_END: state.seek(to: state.duration)
        case 0x2E: state.playing = false; state.stepForward()  // .
        case 0x2C: state.playing = false; state.stepBack()  // ,
        case 0x5D: show(event: state.nextEvent())  // ]
        case 0x5B: show(event: state.previousEvent())  // [
        case 0x2F: prompt = (.search, "")  // /
        case 0x67: prompt = (.goTo, "")  // g
        case 0x6E: search(forward: true)  // n
        case 0x4E: search(forward: false)  // N
        case 0x65: openEventsPanel()  // e
        case 0x69: overlay = .details  // i
        case 0x3F: overlay = .help  // ?
        case 0x68: pan(rows: 0, columns: -8)  // h
        case 0x6C: pan(rows: 0, columns: 8)  // l
        case 0x6B: pan(rows: -4, columns: 0)  // k
        case 0x6A: pan(rows: 4, columns: 0)  // j
        case HREC_KEY_RESIZE: layout = currentLayout(following: true)
        default: break
        }
    }

    private func handleEventsPanel(_ key: Int) -> Bool {
        switch key {
        case 0x1B, 0x65: overlay = .none
        case HREC_KEY_UP, 0x6B: selectedEntry = max(selectedEntry - 1, 0)
        case HREC_KEY_DOWN, 0x6A: selectedEntry = min(selectedEntry + 1, max(panelEntries.count - 1, 0))
        case HREC_KEY_PAGE_UP: selectedEntry = max(selectedEntry - 10, 0)
        case HREC_KEY_PAGE_DOWN: selectedEntry = min(selectedEntry + 10, max(panelEntries.count - 1, 0))
        case 0x66:  // f
            panelFilter = panelFilter.next
            openEventsPanel()
        case HREC_KEY_ENTER:
            guard panelEntries.indices.contains(selectedEntry) else { return true }
            state.playing = false
            state.seek(to: panelEntries[selectedEntry].time)
            overlay = .entryDetails(panelEntries[selectedEntry])
        case 0x71, 3: quit = true
        default: return false
        }
        return true
    }

    private func handlePrompt(_ key: Int) {
        guard var current = prompt else { return }
        switch key {
        case 0x1B, 3: prompt = nil
        case HREC_KEY_BACKSPACE:
            if current.text.isEmpty { prompt = nil } else { current.text.removeLast(); prompt = current }
        case HREC_KEY_ENTER:
            prompt = nil
            if current.kind == .search {
                if !current.text.isEmpty { needle = current.text }
                search(forward: true)
            } else if let time = Playback.parseTime(current.text) {
                state.seek(to: time)
            } else {
                say("not a time: '\(current.text)' (try 90, 1m30s or 1:30)")
            }
        default:
            if key >= 0x20, let scalar = Unicode.Scalar(UInt32(key)) {
                current.text.unicodeScalars.append(scalar)
                prompt = current
            }
        }
    }

    private func search(forward: Bool) {
        guard !needle.isEmpty else { return say("no search yet: press / to search the screen") }
        say("searching for '\(needle)'…")
        draw()
        if let steps = session.seeker.search(needle, from: state.shownSteps, forward: forward) {
            state.playing = false
            state.seek(to: state.stepTimes[steps - 1])
            say("'\(needle)' appears at \(PlayerState.clock(state.position))")
        } else {
            say("'\(needle)' does not appear \(forward ? "after" : "before") this point")
        }
    }

    private func show(event index: Int?) {
        guard let index else { return say("no more events that way") }
        let event = session.events[index]
        if let prompt = PromptEvent(event: event.event) { return say(EventsPanelEntry.label(prompt)) }
        say("\(AccessEvent(event: event.event, time: event.time).label)")
    }

    private func openEventsPanel() {
        panelEntries = EventsPanelEntry.entries(of: session, filter: panelFilter)
        selectedEntry = min(selectedEntry, max(panelEntries.count - 1, 0))
        overlay = .events
    }

    private func pan(rows: Int, columns: Int) {
        layout = (layout ?? currentLayout(following: false)).panned(rows: rows, columns: columns)
    }

    private func say(_ text: String) { message = (text, .now() + 5) }

    // MARK: - Texts

    static func speedText(_ speed: Double) -> String {
        speed == speed.rounded() ? "\(Int(speed))x" : "\(speed)x"
    }

    static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    func accessDetailLines(_ access: AccessEvent) -> [String] {
        var lines = ["at       \(PlayerState.clock(access.time, exact: true))", "type     \(access.type)"]
        if let prompt = access.prompt {
            lines.append("prompt   \(access.promptID.map { "#\($0) " } ?? "")\(prompt.replacingOccurrences(of: "\n", with: "⏎"))")
        }
        if let who = access.principalEmail { lines.append("who      \(who)") }
        if let endpoint = access.endpoint { lines.append("endpoint \(endpoint)") }
        if let decision = access.decision { lines.append("decision \(decision.uppercased())") }
        if !access.ruleIDs.isEmpty { lines.append("rule     \(access.ruleIDs.joined(separator: ", "))") }
        if let reason = access.reason { lines.append("reason   \(reason)") }
        if !access.approvers.isEmpty { lines.append("approver \(access.approvers.joined(separator: ", "))") }
        if !access.maskedColumns.isEmpty { lines.append("masked   \(access.maskedColumns.joined(separator: ", "))") }
        if let rows = access.rows { lines.append("rows     \(rows)") }
        if !access.resources.isEmpty { lines.append("tables   \(access.resources.joined(separator: ", "))") }
        if let sql = access.sql {
            lines.append("sql")
            lines += sql.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        lines.append("")
        lines.append("any key: close")
        return lines
    }

    func detailLines() -> [String] {
        let header = session.timeline.header
        let report = session.verification
        let build = session.seeker.buildProgress
        var lines = [
            "file       \(session.url.path)",
            "session    \(header.sessionID)",
            "who        \(header.identity.map { "\($0.email ?? $0.subject)\($0.verified ? " (verified)" : "")" } ?? header.osUser) as \(header.osUser)@\(header.host)",
            "command    \(header.command.joined(separator: " "))",
            "directory  \(header.cwd)",
            "started    \(Self.dateText(header.startedAt))",
            "duration   \(PlayerState.clock(state.duration))",
            "size       \(session.timeline.initialSize.columns)x\(session.timeline.initialSize.rows)",
            "position   \(PlayerState.clock(state.position, exact: true)) (\(state.position) µs, step \(state.shownSteps) of \(state.stepTimes.count))",
            "queries    \(session.accesses.count), prompts \(session.prompts.count), events \(session.events.count)",
            "confined   \(header.confinement.map { $0.summary } ?? "unknown (recorded before confinement)")",
            "signer     \(report.signerFingerprint ?? "?")\(report.signerTrusted ? " (trusted)" : " (NOT trusted)")",
            "integrity  \(session.verificationProblem ?? "OK: \(report.intactFrames) frames, chain \(report.chainHead.prefix(16))")",
            "keyframes  \(build.keyframes)\(build.done ? "" : " (building: \(build.covered) of \(state.stepTimes.count) steps)")",
        ]
        if session.timeline.isTruncated { lines.append("TRUNCATED  the journal stops before its end record; playing what is complete") }
        lines.append("")
        lines.append("hrec play --screen --at \(Double(state.position) / 1e6)s \(session.url.path)")
        return lines
    }

    static let helpLines = [
        "space        pause / play",
        "+ -          speed (0.25x to 16x)",
        "← →          back / forward 5 s",
        "shift ← →    back / forward 30 s",
        "Home End     start / end",
        "g            go to a time (90, 1m30s, 1:30)",
        ". ,          one output step forward / back",
        "[ ]          previous / next event (query, decision, approval, prompt)",
        "/ n N        search the screen text; next / previous match",
        "e            queries, decisions and prompts (f: filter; Enter: go there)",
        "i            session details and integrity",
        "h j k l      pan when the terminal is smaller than the recording",
        "q            quit",
    ]
}

public enum PlayerError: Error, CustomStringConvertible {
    case notATerminal
    case failsVerification(String)

    public var description: String {
        switch self {
        case .notATerminal:
            "the player needs a terminal; use --stdout to write the output, or --screen --at TIME for the screen's text"
        case let .failsVerification(problem):
            "fails verification: \(problem)\n  it may not be what was recorded; --force plays it anyway"
        }
    }
}
