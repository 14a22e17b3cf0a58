import Foundation

/// Where a player is in a session and how it moves: position, speed, pause, idle squeezing,
/// steps and events. No terminal here: the TUI drives it, tests drive it directly.
public struct PlayerState {
    /// The speeds `+` and `-` go through.
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]

    public let stepTimes: [UInt64]
    public let eventTimes: [UInt64]
    public let duration: UInt64
    /// The instant shown, µs from the start: the screen holds every output at or before it.
    public private(set) var position: UInt64 = 0
    public var playing = true
    public private(set) var speed: Double = 1
    /// Pauses longer than this (µs) are squeezed to it while playing.
    public var idleLimit: UInt64?
    /// Time already waited in the current pause (for idle squeezing).
    private var waited: UInt64 = 0

    public init(stepTimes: [UInt64], eventTimes: [UInt64], duration: UInt64) {
        self.stepTimes = stepTimes
        self.eventTimes = eventTimes
        self.duration = max(duration, stepTimes.last ?? 0, eventTimes.last ?? 0)
    }

    /// Steps shown at the position.
    public var shownSteps: Int { Self.count(stepTimes, atOrBefore: position) }
    public var atEnd: Bool { position >= duration }

    public mutating func setSpeed(_ value: Double) {
        speed = min(max(value, Self.speeds.first!), Self.speeds.last!)
    }

    public mutating func faster() { setSpeed(Self.speeds.first { $0 > speed } ?? speed) }
    public mutating func slower() { setSpeed(Self.speeds.last { $0 < speed } ?? speed) }

    public mutating func seek(to time: UInt64) {
        position = min(time, duration)
        waited = 0
    }

    public mutating func seek(by delta: Int64) {
        seek(to: delta < 0 ? position - min(position, UInt64(-delta)) : position + UInt64(delta))
    }

    /// Moves to the next step (the next output or resize) after what is shown.
    public mutating func stepForward() {
        let shown = shownSteps
        if shown < stepTimes.count { seek(to: stepTimes[shown]) }
    }

    /// Moves back to show one step fewer (to the start when there is none before).
    public mutating func stepBack() {
        let shown = shownSteps
        if shown >= 2 { seek(to: stepTimes[shown - 2]) } else { seek(to: 0) }
    }

    /// Moves to the first event after the position; returns its index.
    public mutating func nextEvent() -> Int? {
        guard let index = eventTimes.firstIndex(where: { $0 > position }) else { return nil }
        seek(to: eventTimes[index])
        return index
    }

    /// Moves to the last event before the position; returns its index.
    public mutating func previousEvent() -> Int? {
        guard let index = eventTimes.lastIndex(where: { $0 < position }) else { return nil }
        seek(to: eventTimes[index])
        return index
    }

    /// Plays `elapsed` µs of real time: the position moves `speed` times as far, a pause longer
    /// than the idle limit lasts only the limit. Stops playing at the end.
    public mutating func advance(realMicros elapsed: UInt64) {
        guard playing else { return }
        var remaining = UInt64(Double(elapsed) * speed)
        while remaining > 0, position < duration {
            let shown = shownSteps
            let next = shown < stepTimes.count ? stepTimes[shown] : duration
            let gap = next - position
            var allowed = gap
            if let idleLimit, shown < stepTimes.count {
                let previous = shown > 0 ? stepTimes[shown - 1] : 0
                if next - previous > idleLimit { allowed = idleLimit > waited ? min(gap, idleLimit - waited) : 0 }
            }
            if remaining < allowed {
                position += remaining
                waited += remaining
                remaining = 0
            } else {
                remaining -= allowed
                position = next
                waited = 0
            }
        }
        if position >= duration {
            position = duration
            playing = false
        }
    }

    static func count(_ times: [UInt64], atOrBefore time: UInt64) -> Int {
        var low = 0, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// `m:ss.mmm`, or with µs (`m:ss.mmmuuu`) when `exact`; hours when needed.
    public static func clock(_ micros: UInt64, exact: Bool = false) -> String {
        let seconds = micros / 1_000_000
        let fraction = exact ? String(format: ".%06llu", micros % 1_000_000) : String(format: ".%03llu", micros % 1_000_000 / 1000)
        let hours = seconds / 3600, minutes = seconds / 60 % 60, secs = seconds % 60
        return (hours > 0 ? String(format: "%llu:%02llu:%02llu", hours, minutes, secs) : String(format: "%llu:%02llu", minutes, secs)) + fraction
    }
}
