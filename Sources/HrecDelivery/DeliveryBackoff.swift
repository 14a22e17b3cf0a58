/// The exponential backoff between failed attempts to reach the collector: `initial`, then
/// doubling up to `maximum`; `reset()` after a success starts over. A value type with no clock:
/// the caller sleeps for what `next()` returns.
public struct DeliveryBackoff: Sendable, Equatable {
    /// The first delay, in seconds.
    public let initial: Double
    /// The longest delay, in seconds.
    public let maximum: Double
    /// How many failures in a row so far.
    public private(set) var failures = 0

    /// - Parameters:
    ///   - initial: the first delay in seconds (default 0.25 s).
    ///   - maximum: the cap in seconds (default 30 s).
    public init(initial: Double = 0.25, maximum: Double = 30) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// Counts a failure and returns how long to wait before the next attempt, in seconds.
    public mutating func next() -> Double {
        let delay = min(maximum, initial * Double(1 << min(failures, 30)))
        failures += 1
        return delay
    }

    /// After a success: the next failure waits `initial` again.
    public mutating func reset() {
        failures = 0
    }
}
