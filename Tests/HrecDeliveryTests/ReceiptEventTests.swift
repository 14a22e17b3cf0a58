import Crypto
import Foundation
import HrecCollector
import HrecDelivery
import HrecJournal
import Testing

/// Receipts as the recorder reads and journals them: built here from docs/collector.md alone.
@Suite struct ReceiptEventTests {
    let key = Curve25519.Signing.PrivateKey()
    let session = "00112233445566778899aabbccddeeff"
    let head = String(repeating: "ab", count: 32)

    /// A receipt as a collector sends it, signed over the message the document describes.
    func signedReceipt(frames: UInt64 = 12, micros: Int64 = 1_764_500_000_000_000) throws -> Receipt {
        var message = Array("hrec-collector-v1 receipt".utf8)
        message += try #require(Hex.decode(session))
        message += (0..<8).map { UInt8(truncatingIfNeeded: frames >> (8 * $0)) }
        message += try #require(Hex.decode(head))
        message += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: micros) >> (8 * $0)) }
        let json: [String: Any] = [
            "sessionID": session, "frames": frames, "chainHead": head, "receivedAtMicros": micros,
            "collector": "SHA256:" + Hex.encode(Array(SHA256.hash(data: key.publicKey.rawRepresentation))),
            "signature": try key.signature(for: message).base64EncodedString(),
        ]
        return try JSONDecoder().decode(Receipt.self, from: JSONSerialization.data(withJSONObject: json))
    }

    @Test func aReceiptSignedAsDocumentedVerifiesWithThePinnedKeyOnly() throws {
        let receipt = try signedReceipt()
        #expect(ReceiptSigner.isValid(receipt, publicKey: Array(key.publicKey.rawRepresentation)))
        #expect(!ReceiptSigner.isValid(receipt, publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)))
        var moved = receipt
        moved.frames += 1
        #expect(!ReceiptSigner.isValid(moved, publicKey: Array(key.publicKey.rawRepresentation)))
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
        #expect(object["signature"] as? String == receipt.signature)
        #expect(Receipt(event: event) == receipt)
        #expect(Receipt(event: JournalEvent(type: "gate.request", json: event.json)) == nil)
        #expect(receipt.receivedAt == Date(timeIntervalSince1970: 1_764_500_000))
    }
}
