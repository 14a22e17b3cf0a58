import Foundation
import HrecCollector
import HrecJournal
import HrecTestSupport
import Testing
@testable import HrecDelivery

/// A receipt that only acknowledges frames holding earlier receipts is not journaled: else each
/// journaled receipt makes a frame whose receipt is journaled, forever.
@Suite struct ReceiptJournalingTests {
    let directory = Fixtures.temporaryDirectory("receipts")

    func receipt(frames: UInt64) -> Receipt {
        ReceiptSigner(key: JournalSigner()).receipt(session: SessionID(), frames: frames, chainHead: Array(repeating: 0, count: 32),
                                                    receivedAtMicros: 1)
    }

    @Test func onlyReceiptsThatCoverMoreThanReceiptsAreJournaled() throws {
        let url = directory.appendingPathComponent("receipts.hrec")
        let writer = try JournalWriter(url: url, header: JournalFactory.header(), signer: JournalSigner())
        try writer.append(Record(time: 1, body: .output(Array("hello".utf8))))
        try writer.flush()                                                          // frame 0: header, output
        try writer.append(Record(time: 2, body: .event(try receipt(frames: 1).journalEvent())))
        try writer.flush()                                                          // frame 1: a receipt only
        try writer.append(Record(time: 3, body: .event(try receipt(frames: 2).journalEvent())))
        try writer.append(Record(time: 3, body: .output(Array("more".utf8))))
        try writer.flush()                                                          // frame 2: a receipt and output
        try writer.append(Record(time: 4, body: .event(try receipt(frames: 3).journalEvent())))
        try writer.flush()                                                          // frame 3: a receipt only
        let follower = try JournalFollower(path: url.path)
        try follower.poll()
        #expect(follower.units.count == 4)
        var session = ShipperSession(follower: follower, client: try DeliveryClient(url: "http://127.0.0.1:9", token: .fixed("t")),
                                     options: .init())
        let decisions = (1...4).map { session.isWorthJournaling(receipt(frames: UInt64($0))) }
        #expect(decisions == [true, false, true, false])
    }
}
