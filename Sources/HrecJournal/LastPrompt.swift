import Synchronization

/// The prompt the person submitted last in a session, shared between the recorder (which sees
/// the keys) and the embedded gate (which stamps it on each `gate.request`), so an auditor reads
/// prompt → SQL → decision on one row. The recorder numbers prompts 1, 2, ... in the order it
/// journals them; the number is the `id` of the `prompt` event. The gate reads `current` before
/// it journals the request, so the prompt a request names is always before it in the journal.
public final class LastPrompt: Sendable {
    /// A reference to a journaled prompt, as the gate's events carry it.
    public struct Reference: Codable, Sendable, Equatable {
        /// The prompt event's `id`: its position among the session's prompts, from 1.
        public var id: Int
        /// The prompt's text, as in the `prompt` event.
        public var text: String

        public init(id: Int, text: String) {
            self.id = id
            self.text = text
        }
    }

    private let state = Mutex<(count: Int, last: Reference?)>((0, nil))

    public init() {}

    /// Numbers `prompt` as the session's next one, journals it with `append` and makes it the
    /// last, all under one lock: a caller that reads `current` and then journals its own event
    /// always finds the prompt it names earlier on the timeline.
    public func submit(_ prompt: PromptEvent, append: (PromptEvent) -> Void) {
        state.withLock { state in
            var numbered = prompt
            numbered.id = state.count + 1
            append(numbered)
            state.count += 1
            state.last = Reference(id: state.count, text: prompt.text)
        }
    }

    /// The prompt submitted last, if any.
    public var current: Reference? { state.withLock { $0.last } }
}
