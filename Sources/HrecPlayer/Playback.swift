import Foundation
import HrecJournal

/// Writes a session's output with its recorded timing, like `asciinema play` (`hrec play --stdout`).
public struct Playback {
    public let timeline: SessionTimeline

    public init(timeline: SessionTimeline) { self.timeline = timeline }

    /// Writes the output from `start` (µs) to `write`: `speed` times faster, pauses longer than
    /// `idleLimit` µs squeezed to it, no waiting at all when `wait` is false.
    public func play(speed: Double, idleLimit: UInt64?, wait: Bool, from start: UInt64 = 0, write: ([UInt8]) -> Void) throws {
        var previous = start
        for index in timeline.steps.indices where timeline.steps[index].time >= start && !timeline.steps[index].isResize {
            guard case let .output(bytes) = try timeline.body(of: index) else { continue }
            let time = timeline.steps[index].time
            if wait {
                var pause = time &- previous
                if let idleLimit { pause = min(pause, idleLimit) }
                if pause > 0 { usleep(useconds_t(min(Double(pause) / speed, 60_000_000))) }
            }
            previous = time
            write(bytes)
        }
    }

    /// Parses `90`, `90s`, `1.5s`, `1m30s`, `1:30`, `1h2m` into microseconds.
    public static func parseTime(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || ".:hms".contains($0)) }) else { return nil }
        if trimmed.contains(":") {
            // m:ss or h:mm:ss: every part after the first is below 60 (1:99 is not a time).
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 3 else { return nil }
            var seconds = 0.0
            for (index, part) in parts.enumerated() {
                guard let value = Double(part), index == 0 || value < 60 else { return nil }
                seconds = seconds * 60 + value
            }
            return UInt64((seconds * 1_000_000).rounded())
        }
        var total = 0.0, number = ""
        for character in trimmed {
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        if !number.isEmpty {
            guard let value = Double(number) else { return nil }
            total += value
        }
        return total >= 0 ? UInt64((total * 1_000_000).rounded()) : nil
    }
}
