import ArgumentParser
import Foundation
import HrecJournal
import HrecPlayer

/// `hrec play`: replay a session in the player, on stdout, or as the screen at an instant.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Replay a recorded session: a player with seek, search and queries; or its output; or the screen at an instant.",
        discussion: """
            hrec play FILE                      the player (press ? for its keys)
            hrec play FILE --stdout             writes the output with its timing (like asciinema play)
            hrec play FILE --stdout --no-wait   writes all output at once (like cat)
            hrec play FILE --screen --at 1m30s  prints the screen's text at that instant (libvterm)
            hrec play FILE --follow             writes a session's output while it is being recorded
            A truncated journal plays up to its last complete frame, with a notice. A journal that \
            fails verification (modified, frames missing, unknown signer...) is refused unless \
            --force is given; then the player shows a warning banner.
            """)

    @Argument(help: "The journal file.") var file: String
    @Flag(help: "Print the screen's text at --at (default: the end) instead of replaying.") var screen = false
    @Flag(help: "Write the output to stdout with its timing instead of opening the player.") var stdout = false
    @Flag(help: "Write the output of a session still being recorded as it arrives, until it ends.") var follow = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Instant to start at, or to show with --screen: 90, 1m30s, 1:30, 12.5s.", valueName: "TIME")) var at: String?
    @Option(help: "Playback speed (0.25 to 16).") var speed: Double = 1
    @Option(name: .customLong("idle-limit"), help: ArgumentHelp("Squeeze pauses longer than this.", valueName: "TIME")) var idleLimit: String?
    @Flag(name: .customLong("no-wait"), help: "With --stdout: do not wait between outputs.") var noWait = false
    @Flag(help: "Open the player paused.") var paused = false
    @Flag(help: "Play a journal even though it fails verification (the player shows a banner).") var force = false
    @OptionGroup var trustOptions: TrustOptions

    func validate() throws {
        guard (0.25...16).contains(speed) else { throw ValidationError("--speed must be between 0.25 and 16") }
        if let at, at.hasPrefix("-") { throw ValidationError("--at counts from the start of the session and cannot be negative: '\(at)'") }
        if let at, Playback.parseTime(at) == nil { throw ValidationError("--at takes a time such as 90, 1m30s or 1:30 (seconds below 60), not '\(at)'") }
        if let idleLimit, Playback.parseTime(idleLimit) == nil { throw ValidationError("--idle-limit takes a time such as 2s, not '\(idleLimit)'") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: file)
        try IntactJournal.checkReadable(file)
        if follow { return try followOutput(url) }
        let session: PlayerSession
        do {
            session = try PlayerSession(url: url, trust: trustOptions.trust(), force: force)
        } catch let error as PlayerError {
            throw CLIError("'\(file)' \(error)")
        }
        if session.failsVerification {
            warn("warning: '\(file)' fails verification: \(session.verificationProblem ?? "?")")
        }
        let instant = at.flatMap(Playback.parseTime)
        let limit = idleLimit.flatMap(Playback.parseTime)
        let streaming = stdout || noWait || isatty(STDOUT_FILENO) == 0
        if session.timeline.isTruncated && (screen || streaming) {
            warn("hrec: '\(file)' is truncated; playing up to its last complete frame")
        }
        if screen {
            let steps = session.timeline.stepCount(at: instant ?? UInt64.max)
            print(session.seeker.view(afterSteps: steps).text)
        } else if streaming {
            let output = FileHandle.standardOutput
            try Playback(timeline: session.timeline).play(speed: speed, idleLimit: limit, wait: !noWait, from: instant ?? 0) { output.write(Data($0)) }
        } else {
            var options = Player.Options()
            options.speed = speed
            options.idleLimit = limit
            options.start = instant ?? 0
            options.paused = paused
            do {
                try Player(session: session, options: options).run()
            } catch let error as PlayerError {
                throw CLIError("\(error)")
            }
        }
    }

    private func followOutput(_ url: URL) throws {
        var follower = SessionFollower(url: url)
        let output = FileHandle.standardOutput
        while true {
            for record in try follower.poll() {
                if case let .output(bytes) = record.body { output.write(Data(bytes)) }
            }
            if follower.finished { return }
            usleep(200_000)
        }
    }

    private func warn(_ text: String) { FileHandle.standardError.write(Data("\(text)\n".utf8)) }
}
