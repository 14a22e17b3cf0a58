import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic microseconds since a session started, anchored to the wall clock at start.
public struct SessionClock: Sendable {
    /// Wall-clock time at offset 0, microseconds since the Unix epoch.
    public let wallStartMicros: Int64
    private let monotonicStartNanos: UInt64

    /// A clock whose offset 0 is now.
    public init() {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        wallStartMicros = Int64(wall.tv_sec) * 1_000_000 + Int64(wall.tv_nsec) / 1000
        monotonicStartNanos = SessionClock.monotonicNanos()
    }

    /// Microseconds elapsed since the session started.
    public func now() -> UInt64 {
        (SessionClock.monotonicNanos() &- monotonicStartNanos) / 1000
    }

    /// Current wall-clock time in microseconds since the Unix epoch.
    public static func wallMicros() -> Int64 {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        return Int64(wall.tv_sec) * 1_000_000 + Int64(wall.tv_nsec) / 1000
    }

    /// Microseconds on the monotonic clock (arbitrary origin), for measuring intervals.
    public static func monotonicMicros() -> UInt64 { monotonicNanos() / 1000 }

    static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
