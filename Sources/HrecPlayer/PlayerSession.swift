import Foundation
import HrecExport
import HrecJournal

/// Everything the player shows about one journal: its timeline and seeker, the data accesses and
/// events, and whether it verified.
public final class PlayerSession {
    public let url: URL
    public let timeline: SessionTimeline
    public let seeker: ScreenSeeker
    /// One entry per gate call (request, decision, masking, response joined) and per approval.
    public let accesses: [AccessEvent]
    /// The lines the person submitted (`prompt` events), in time order.
    public let prompts: [SessionPrompt]
    /// Structured events `[` and `]` move between (token exchanges left out; prompts in).
    public let events: [SessionTimeline.Event]
    public let verification: VerificationReport

    /// Verifies `url` with `trust` and indexes it.
    /// - Parameter force: open it even when it fails verification (frames that cannot be decoded
    ///   are left out); otherwise that is `PlayerError.failsVerification`.
    public init(url: URL, trust: JournalTrust, force: Bool = false) throws {
        self.url = url
        verification = JournalVerifier.verify(path: url.path, trust: trust)
        let fails = !verification.isIntact && !verification.isTruncatedOnly
        if fails, !force { throw PlayerError.failsVerification(Self.describe(verification.problem)) }
        timeline = try SessionTimeline(url: url, skippingDamage: fails)
        seeker = ScreenSeeker(timeline: timeline)
        events = timeline.events.filter { $0.event.type != "gate.token" }
        prompts = timeline.events.compactMap { event in
            PromptEvent(event: event.event).map { SessionPrompt(time: event.time, prompt: $0) }
        }
        var merger = AccessLogMerger()
        var accesses: [AccessEvent] = []
        for event in timeline.events {
            let access = AccessEvent(event: event.event, time: event.time)
            if access.isAccess || access.isApproval { accesses += merger.add(access) }
        }
        self.accesses = (accesses + merger.finish()).sorted { $0.time < $1.time }
    }

    /// Whether `hrec verify` would fail for more than truncation.
    public var failsVerification: Bool { !verification.isIntact && !verification.isTruncatedOnly }

    /// What is wrong, in one line.
    public var verificationProblem: String? {
        verification.problem.map { Self.describe($0) }
    }

    static func describe(_ problem: VerificationReport.Problem?) -> String {
        guard let problem else { return "?" }
        let place = problem.frame.map { "frame \($0) at byte \(problem.offset)" } ?? "byte \(problem.offset)"
        return "\(problem.kind.rawValue.uppercased()) at \(place): \(problem.detail)"
    }

    /// A state positioned at the start.
    public func initialState() -> PlayerState {
        PlayerState(stepTimes: timeline.steps.map(\.time), eventTimes: events.map(\.time), duration: timeline.duration)
    }
}
