import Crypto
import Foundation
import HrecDelivery
import HrecJournal
import Testing

@Suite struct CollectorReceiptTests {
    let key = Curve25519.Signing.PrivateKey()
    let session = "00112233445566778899aabbccddeeff"
    let head = String(repeating: "ab", count: 32)

    /// A receipt signed over the message built here from docs/collector.md, independently of the code.
    func signedReceipt(frames: UInt64 = 12, micros: Int64 = 1_764_500_000_000_000) throws -> CollectorReceipt {
        var message = Array("hrec-collector-v1 receipt".utf8)
        message += try #require(Hex.decode(session))
        message += (0..<8).map { UInt8(truncatingIfNeeded: frames >> (8 * $0)) }
        message += try #require(Hex.decode(head))
        message += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: micros) >> (8 * $0)) }
        let signature = try key.signature(for: message)
        let fingerprint = "SHA256:" + Hex.encode(Array(SHA256.hash(data: key.publicKey.rawRepresentation)))
        return CollectorReceipt(sessionID: session, frames: frames, chainHead: head, receivedAtMicros: micros,
                                collector: fingerprint, signature: signature.base64EncodedString())
    }

    @Test func aReceiptSignedAsDocumentedVerifies() throws {
        let receipt = try signedReceipt()
        #expect(receipt.isSigned(by: key.publicKey))
        #expect(!receipt.isSigned(by: Curve25519.Signing.PrivateKey().publicKey))
    }

    @Test func changingAnySignedMemberBreaksTheSignature() throws {
        let receipt = try signedReceipt()
        var frames = receipt; frames.frames += 1
        var head = receipt; head.chainHead = String(repeating: "cd", count: 32)
        var time = receipt; time.receivedAtMicros += 1
        var session = receipt; session.sessionID = String(repeating: "0", count: 32)
        var collector = receipt; collector.collector = "SHA256:" + String(repeating: "0", count: 64)
        for changed in [frames, head, time, session, collector] { #expect(!changed.isSigned(by: key.publicKey)) }
    }

    @Test func theJournalEventCarriesEveryMemberAndTheType() throws {
        let receipt = try signedReceipt()
        let event = try receipt.journalEvent()
        #expect(event.type == "collector.receipt")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any])
        #expect(Set(object.keys) == ["type", "sessionID", "frames", "chainHead", "receivedAtMicros", "collector", "signature"])
        #expect(object["type"] as? String == "collector.receipt")
        #expect(object["frames"] as? Int == 12)
        #expect(object["receivedAtMicros"] as? Int64 == 1_764_500_000_000_000)
        #expect(CollectorReceipt(event: event) == receipt)
        #expect(CollectorReceipt(event: JournalEvent(type: "gate.request", json: event.json)) == nil)
    }

    @Test func aReceiptWithBadHexHasNoSignedMessage() throws {
        var receipt = try signedReceipt()
        receipt.chainHead = "zz"
        #expect(receipt.signedMessage == nil)
        #expect(!receipt.isSigned(by: key.publicKey))
    }
}
