import HrecPlayer
import Testing

/// `--at` times: the exact microsecond a status line or a search result prints must come back
/// unchanged (1.031429 is 1031428.99999… in binary floating point; truncating lost a µs and showed
/// the screen before the record at that instant).
@Suite struct PlaybackTimeTests {
    @Test(arguments: [
        ("1.031429s", UInt64(1_031_429)), ("1.031429", 1_031_429), ("0.000001s", 1), ("6.549244s", 6_549_244),
        ("1m30s", 90_000_000), ("1:30", 90_000_000), ("1:00:00.000003", 3_600_000_003), ("0.29s", 290_000),
    ])
    func parsesToTheExactMicrosecond(text: String, micros: UInt64) {
        #expect(Playback.parseTime(text) == micros)
    }

    @Test(arguments: ["1:99", "-5", "", "1x", "1:2:3:4"])
    func refusesWhatIsNotATime(text: String) {
        #expect(Playback.parseTime(text) == nil)
    }
}
