import Foundation
import HrecDelivery
import HrecTestSupport
import Testing

@Suite struct DeliveryStateTests {
    let directory = Fixtures.temporaryDirectory("delivery-state")

    func state(local: UInt64, delivered: UInt64, complete: Bool, index: Bool, error: String? = nil) -> DeliveryState {
        var state = DeliveryState(sessionID: "00112233445566778899aabbccddeeff", journal: "/j.hrec", collector: "http://c")
        state.localFrames = local
        state.deliveredFrames = delivered
        state.journalComplete = complete
        state.indexDelivered = index
        state.lastError = error
        return state
    }

    @Test(arguments: [
        (12, 12, true, true, nil, "delivered 12/12 frames", "delivered"),
        (12, 9, true, false, "cannot reach", "3 frames pending (delivered 9/12 frames); last error: cannot reach", "3 pending"),
        (5, 4, false, false, nil, "1 frame pending (delivered 4/5 frames)", "1 pending"),
        (5, 5, true, false, nil, "seek index pending (delivered 5/5 frames)", "index pending"),
        (5, 5, false, false, nil, "delivered 5/5 frames (journal not closed)", "open"),
    ] as [(UInt64, UInt64, Bool, Bool, String?, String, String)])
    func summaryAndCell(local: UInt64, delivered: UInt64, complete: Bool, index: Bool, error: String?, summary: String, cell: String) {
        let state = state(local: local, delivered: delivered, complete: complete, index: index, error: error)
        #expect(state.summary == summary)
        #expect(state.cell == cell)
        #expect(state.isDelivered == (cell == "delivered"))
    }

    @Test func savedPrivatelyAndLoadedBack() throws {
        let saved = state(local: 3, delivered: 2, complete: false, index: false)
        try saved.save(in: directory)
        #expect(DeliveryState.load(session: saved.sessionID, in: directory) == saved)
        #expect(DeliveryState.all(in: directory) == [saved])
        let attributes = try FileManager.default.attributesOfItem(atPath: DeliveryState.url(session: saved.sessionID, in: directory).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
