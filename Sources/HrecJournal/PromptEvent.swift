/// A line the person submitted (Enter outside a bracketed paste), rebuilt from the keystrokes:
/// the `prompt` event (see docs/prompts.md for the reconstruction and its limits).
///
/// Stored as an event record (`kind` 7) of `type` `"prompt"`; it sits on the timeline at the
/// time of the Enter key, right after the input record that holds it.
public struct PromptEvent: Codable, Sendable, Equatable {
    /// The event `type` on disk: `"prompt"`. Frozen for format version 1.
    public static let type = "prompt"

    /// The line as submitted, as far as keystrokes tell (pasted newlines kept as `\n`).
    public var text: String
    /// False when the program may have changed the line in ways keys cannot show (history
    /// recall, completion, other editing keys): `text` is then what the keys alone produced.
    public var complete: Bool
    /// Why the text may be incomplete, each at most once, in order of first appearance:
    /// `history` (up/down arrows), `completion` (Tab), `editing` (another escape sequence or
    /// control key the reconstruction does not follow). Absent when complete.
    public var uncertain: [String]?
    /// How many bracketed-paste blocks went into the line (absent when none).
    public var pastes: Int?
    /// The prompt's number in its session, from 1 (the gate's events refer to it; absent in
    /// journals written before prompts were numbered).
    public var id: Int?

    public init(text: String, uncertain: [String] = [], pastes: Int = 0) {
        self.text = text
        complete = uncertain.isEmpty
        self.uncertain = uncertain.isEmpty ? nil : uncertain
        self.pastes = pastes == 0 ? nil : pastes
    }

    /// This prompt as a journal event record body.
    public var journalEvent: JournalEvent {
        // Encoding a struct of strings, a bool and ints into a JSON object cannot fail.
        (try? JournalEvent(type: Self.type, payload: self)) ?? JournalEvent(type: Self.type, json: Array(#"{"type":"prompt"}"#.utf8))
    }

    /// Decodes `event` when it is a prompt event; nil otherwise.
    public init?(event: JournalEvent) {
        guard event.type == Self.type, let decoded = try? event.decode(PromptEvent.self) else { return nil }
        self = decoded
    }
}
