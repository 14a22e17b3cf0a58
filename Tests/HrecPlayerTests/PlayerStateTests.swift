import CVterm
import HrecPlayer
import Testing

@Suite struct PlayerStateTests {
    let times: [UInt64] = [100_000, 200_000, 10_200_000, 10_300_000]

    @Test func playingMovesAtTheChosenSpeedAndStopsAtTheEnd() {
        var state = PlayerState(stepTimes: times, eventTimes: [], duration: 11_000_000)
        state.advance(realMicros: 150_000)
        #expect(state.position == 150_000 && state.shownSteps == 1)
        state.faster()
        #expect(state.speed == 2)
        state.advance(realMicros: 100_000)
        #expect(state.position == 350_000 && state.shownSteps == 2)
        state.advance(realMicros: 60_000_000)
        #expect(state.position == 11_000_000 && !state.playing && state.atEnd)
    }

    @Test func idleLimitSqueezesLongPausesOnly() {
        var state = PlayerState(stepTimes: times, eventTimes: [], duration: 10_300_000)
        state.idleLimit = 2_000_000
        state.advance(realMicros: 200_000)
        #expect(state.shownSteps == 2)
        state.advance(realMicros: 1_900_000)
        #expect(state.shownSteps == 2, "still inside the squeezed pause")
        state.advance(realMicros: 200_000)
        #expect(state.position == 10_300_000 && state.shownSteps == 4, "the 10 s pause lasted 2 s")
    }

    @Test func speedsStayBetweenAQuarterAndSixteen() {
        var state = PlayerState(stepTimes: times, eventTimes: [], duration: 1)
        for _ in 0..<10 { state.faster() }
        #expect(state.speed == 16)
        for _ in 0..<10 { state.slower() }
        #expect(state.speed == 0.25)
    }

    @Test func stepsAndEventsMoveToExactInstants() {
        var state = PlayerState(stepTimes: times, eventTimes: [150_000, 10_250_000], duration: 11_000_000)
        state.stepForward()
        #expect(state.position == 100_000)
        state.stepForward()
        state.stepForward()
        #expect(state.position == 10_200_000 && state.shownSteps == 3)
        state.stepBack()
        #expect(state.position == 200_000 && state.shownSteps == 2)
        #expect(state.nextEvent() == 1 && state.position == 10_250_000)
        #expect(state.nextEvent() == nil && state.position == 10_250_000)
        #expect(state.previousEvent() == 0 && state.position == 150_000)
        state.seek(by: -5_000_000)
        #expect(state.position == 0)
        state.seek(by: 30_000_000)
        #expect(state.position == 11_000_000)
    }

    @Test(arguments: [
        (0 as UInt64, false, "0:00.000"), (90_500_000, false, "1:30.500"), (3_725_000_001, true, "1:02:05.000001"),
    ])
    func clockText(micros: UInt64, exact: Bool, text: String) {
        #expect(PlayerState.clock(micros, exact: exact) == text)
    }
}

@Suite struct ColorMappingTests {
    @Test func coloursDegradeToWhatTheTerminalHas() {
        let full = ColorMapping(available: 256), sixteen = ColorMapping(available: 16), eight = ColorMapping(available: 8)
        #expect(full.index(HREC_COLOR_DEFAULT) == -1 && ColorMapping(available: 0).index(3) == -1)
        #expect(full.index(208) == 208 && full.index(9) == 9)
        #expect(full.index(HREC_COLOR_RGB | 0xFF0000) == 196, "pure red is cube red")
        #expect(full.index(HREC_COLOR_RGB | 0x808080) == 244, "mid grey is on the grey ramp")
        #expect(sixteen.index(196) == 9 && sixteen.index(HREC_COLOR_RGB | 0x00FF00) == 10)
        #expect(eight.index(9) == 1, "bright red becomes red")
        #expect(eight.index(HREC_COLOR_RGB | 0x0000EE) == 4)
    }
}

@Suite struct ViewLayoutTests {
    @Test func aLargerTerminalFramesAndCentres() {
        let layout = ViewLayout(areaTop: 0, areaRows: 29, areaColumns: 100, screenRows: 24, screenColumns: 80)
        #expect(layout.framed && !layout.isPanned)
        #expect(layout.originRow == 2 && layout.originColumn == 10)
    }

    @Test func aSmallerTerminalPansAndFollowsTheCursor() {
        let layout = ViewLayout(areaTop: 0, areaRows: 11, areaColumns: 50, screenRows: 24, screenColumns: 80)
        #expect(!layout.framed && layout.isPanned && layout.visibleRows == 11 && layout.visibleColumns == 50)
        let followed = layout.following(row: 23, column: 70)
        #expect(followed.panRow == 13 && followed.panColumn == 21)
        #expect(followed.panned(rows: 100, columns: -100).panRow == 13 && followed.panned(rows: 100, columns: -100).panColumn == 0)
        #expect(followed.following(row: 0, column: 0).panRow == 0)
    }
}
