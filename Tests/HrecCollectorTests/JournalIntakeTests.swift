import Foundation
import HrecCollector
import HrecJournal
import HrecTestSupport
import Testing

/// The collector's chain checks over a real `FileStore`: what extends the held chain is stored
/// and receipted; a rewritten, reordered or foreign-signed unit is refused, naming the frame.
@Suite struct JournalIntakeTests {
    let directory = Fixtures.temporaryDirectory("collector-intake")
    let collectorKey = JournalSigner()

    func intake() throws -> (JournalIntake, FileStore) {
        let store = try FileStore(root: directory.appendingPathComponent("store-\(UUID().uuidString)"))
        return (JournalIntake(store: store, signer: ReceiptSigner(key: collectorKey), now: { 1_764_500_000_000_000 }), store)
    }

    /// A closed journal of several frames, split into parts; every journal of one test shares `header`.
    func journal(signer: JournalSigner = JournalSigner(), header: SessionHeader = JournalFactory.header(), seed: UInt64 = 3) throws -> (JournalParts, [UInt8]) {
        let url = directory.appendingPathComponent("j-\(UUID().uuidString).hrec")
        try JournalFactory.write(try JournalFactory.mixedRecords(count: 40, seed: seed), to: url, signer: signer, header: header, frameBytes: 512)
        let bytes = [UInt8](try Data(contentsOf: url))
        return (try JournalParts(bytes: bytes), bytes)
    }

    func session(_ parts: JournalParts) throws -> SessionID {
        try JournalParts.preambleFields(parts.preamble, path: "test").sessionID
    }

    @Test func unitsThatExtendTheChainAreStoredAndReceipted() async throws {
        let (intake, store) = try intake()
        let (parts, bytes) = try journal()
        let session = try session(parts)
        #expect(parts.units.count >= 4)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        for unit in parts.units {
            let receipt = try await intake.acceptFrames(session: session, body: unit.bytes, subject: "alice")
            #expect(receipt.frames == unit.index + 1)
            #expect(receipt.chainHead == Hex.encode(unit.chainHash))
            #expect(ReceiptSigner.isValid(receipt, publicKey: collectorKey.publicKey))
            var forged = receipt
            forged.frames += 1
            #expect(!ReceiptSigner.isValid(forged, publicKey: collectorKey.publicKey))
        }
        let receipt = try await intake.putIndex(session: session, bytes: try #require(parts.index), subject: "alice")
        #expect(receipt.frames == UInt64(parts.units.count))
        let status = try await intake.status(session: session, subject: "alice")
        #expect(status == JournalStatus(sessionID: session.description, frames: UInt64(parts.units.count),
                                        chainHead: Hex.encode(parts.units.last!.chainHash), final: true, index: true))
        var stored = try #require(try await store.read(PartKey.preamble(session)))
        for index in parts.units.indices { stored += try #require(try await store.read(PartKey.frame(session, UInt64(index)))) }
        stored += try #require(try await store.read(PartKey.index(session)))
        #expect(stored == bytes)
    }

    @Test func resendIsNoErrorAndBatchesAreAccepted() async throws {
        let (intake, _) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        let batch = parts.units[0].bytes + parts.units[1].bytes + parts.units[2].bytes
        let first = try await intake.acceptFrames(session: session, body: batch, subject: "alice")
        let again = try await intake.acceptFrames(session: session, body: batch, subject: "alice")
        #expect(first == again)
        #expect(first.frames == 3)
        let single = try await intake.acceptFrames(session: session, body: parts.units[1].bytes, subject: "alice")
        #expect(single.frames == 2)
    }

    @Test func rewrittenUnitIsRefusedNamingTheFrame() async throws {
        let (intake, store) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        for unit in parts.units.prefix(2) { _ = try await intake.acceptFrames(session: session, body: unit.bytes, subject: "alice") }
        var rewritten = parts.units[2].bytes
        rewritten[rewritten.count - 3] ^= 0x20
        await #expect(throws: CollectorError.diverged(frame: 2, "frame 2 does not extend the chain (its bytes differ from what was signed, or it follows another frame)")) {
            try await intake.acceptFrames(session: session, body: rewritten, subject: "alice")
        }
        #expect(try await store.read(PartKey.frame(session, 2)) == nil)
        // A held unit rewritten and sent again is refused too.
        var held = parts.units[1].bytes
        held[held.count - 2] ^= 0x01
        await #expect(throws: CollectorError.self) { try await intake.acceptFrames(session: session, body: held, subject: "alice") }
        #expect(try await store.read(PartKey.frame(session, 1)) == parts.units[1].bytes)
    }

    @Test func flippingAnyByteOfAUnitIsRefused() async throws {
        let (intake, store) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        _ = try await intake.acceptFrames(session: session, body: parts.units[0].bytes, subject: "alice")
        let genuine = parts.units[1].bytes
        for offset in genuine.indices {
            var flipped = genuine
            flipped[offset] ^= 0x01
            do {
                let receipt = try await intake.acceptFrames(session: session, body: flipped, subject: "alice")
                Issue.record("a flip at byte \(offset) of frame 1 was accepted: \(receipt)")
            } catch {
                #expect([400, 409].contains(error.status), "flip at \(offset): \(error)")
            }
        }
        #expect(try await store.read(PartKey.frame(session, 1)) == nil)
    }

    @Test func reorderedUnitsAreRefused() async throws {
        let (intake, store) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        _ = try await intake.acceptFrames(session: session, body: parts.units[0].bytes, subject: "alice")
        await #expect(throws: CollectorError.gap("frame 1 of session \(session) is not held: send the frames before 2 first")) {
            try await intake.acceptFrames(session: session, body: parts.units[2].bytes, subject: "alice")
        }
        await #expect(throws: CollectorError.self) {
            try await intake.acceptFrames(session: session, body: parts.units[1].bytes + parts.units[3].bytes, subject: "alice")
        }
        // Frame 2's bytes sent as if they followed frame 0 (frame 1 skipped, frame 2 relabelled is impossible
        // without the key): a unit from later in the chain never extends an earlier head.
        #expect(try await store.list(prefix: PartKey.frames(session)).count == 2)
    }

    @Test func anotherSignerMidSessionIsRefused() async throws {
        let (intake, _) = try intake()
        let header = JournalFactory.header()
        let (parts, _) = try journal(header: header)
        let (foreign, _) = try journal(signer: JournalSigner(), header: header, seed: 3)
        let session = try session(parts)
        #expect(try self.session(foreign) == session)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        _ = try await intake.acceptFrames(session: session, body: parts.units[0].bytes, subject: "alice")
        await #expect(throws: CollectorError.diverged(frame: 1, "the seal of frame 1 does not verify with the preamble's key (modified, or signed by another key)")) {
            try await intake.acceptFrames(session: session, body: foreign.units[1].bytes, subject: "alice")
        }
        await #expect(throws: CollectorError.diverged(frame: nil, "session \(session) already has a different preamble")) {
            try await intake.putPreamble(session: session, bytes: foreign.preamble)
        }
    }

    @Test func anotherPersonCannotUploadOrReadTheSession() async throws {
        let (intake, _) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        await #expect(throws: CollectorError.forbidden("session \(session) belongs to 'alice', the token is of 'mallory'")) {
            try await intake.acceptFrames(session: session, body: parts.units[0].bytes, subject: "mallory")
        }
        _ = try await intake.acceptFrames(session: session, body: parts.units[0].bytes, subject: "alice")
        await #expect(throws: CollectorError.self) { try await intake.part(session: session, name: "0", subject: "mallory") }
        #expect(try await intake.part(session: session, name: "0", subject: "alice") == parts.units[0].bytes)
    }

    @Test func anUploaderSendsAnyonesSessionButReadsNone() async throws {
        let store = try FileStore(root: directory.appendingPathComponent("store-\(UUID().uuidString)"))
        let intake = JournalIntake(store: store, signer: ReceiptSigner(key: collectorKey), uploaders: ["gate"], readers: ["auditor"])
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        let body = parts.units.flatMap(\.bytes)
        #expect(try await intake.acceptFrames(session: session, body: body, subject: "gate").frames == UInt64(parts.units.count))
        #expect(try await intake.status(session: session, subject: "gate").frames == UInt64(parts.units.count))
        await #expect(throws: CollectorError.self) { try await intake.part(session: session, name: "0", subject: "gate") }
        #expect(try await intake.sessions(subject: "gate").isEmpty)
        await #expect(throws: CollectorError.self) { try await intake.acceptFrames(session: session, body: body, subject: "mallory") }
        #expect(try await intake.part(session: session, name: "0", subject: "alice") == parts.units[0].bytes)
        #expect(try await intake.part(session: session, name: "0", subject: "auditor") == parts.units[0].bytes)
        #expect(try await intake.sessions(subject: "auditor") == [session])
    }

    @Test func indexMustSignTheHeldHead() async throws {
        let (intake, _) = try intake()
        let (parts, _) = try journal()
        let session = try session(parts)
        try await intake.putPreamble(session: session, bytes: parts.preamble)
        for unit in parts.units.dropLast() { _ = try await intake.acceptFrames(session: session, body: unit.bytes, subject: "alice") }
        await #expect(throws: CollectorError.self) {
            try await intake.putIndex(session: session, bytes: try #require(parts.index), subject: "alice")
        }
        _ = try await intake.acceptFrames(session: session, body: parts.units.last!.bytes, subject: "alice")
        _ = try await intake.putIndex(session: session, bytes: try #require(parts.index), subject: "alice")
    }
}
