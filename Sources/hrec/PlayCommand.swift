import ArgumentParser
import Foundation
import HrecJournal
import HrecPlayer

/// `hrec play`: replay a session's screen.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Replay a recorded session: its output with timing, or the screen at an instant.",
        discussion: """
            hrec play FILE                      replays the output on your terminal with its timing
            hrec play FILE --no-wait            writes all output at once (like cat)
            hrec play FILE --screen --at 1m30s  prints the screen's text at that instant (libvterm)
            A truncated journal plays up to its last complete frame, with a notice on stderr.
            """)

    @Argument(help: "The journal file.") var file: String
    @Flag(help: "Print the screen's text at --at (default: the end) instead of replaying.") var screen = false
    @Option(help: ArgumentHelp("Instant to start at, or to show with --screen: 90, 1m30s, 1:30, 12.5s.", valueName: "TIME")) var at: String?
    @Option(help: "Playback speed (0.25 to 16).") var speed: Double = 1
    @Option(name: .customLong("idle-limit"), help: ArgumentHelp("Squeeze pauses longer than this.", valueName: "TIME")) var idleLimit: String?
    @Flag(name: .customLong("no-wait"), help: "Do not wait between outputs.") var noWait = false
    @Flag(help: "Write to stdout (the default when not replaying in the TUI; kept for asciinema-like use).") var stdout = false

    func run() throws {
        let playback = try Playback(url: URL(fileURLWithPath: file))
        guard (0.25...16).contains(speed) else { throw ValidationError("--speed must be between 0.25 and 16") }
        let instant: UInt64? = try at.map { text in
            guard let value = Playback.parseTime(text) else { throw ValidationError("--at takes a time such as 90, 1m30s or 1:30, not '\(text)'") }
            return value
        }
        if playback.isTruncated {
            FileHandle.standardError.write(Data("hrec: '\(file)' is truncated; playing up to its last complete frame\n".utf8))
        }
        if screen {
            print(playback.screen(at: instant ?? UInt64.max).text)
            return
        }
        let limit = try idleLimit.map { text in
            guard let value = Playback.parseTime(text) else { throw ValidationError("--idle-limit takes a time such as 2s") }
            return value
        }
        let output = FileHandle.standardOutput
        playback.play(speed: speed, idleLimit: limit, wait: !noWait, from: instant ?? 0) { output.write(Data($0)) }
    }
}
