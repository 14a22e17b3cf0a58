import HrecJournal
import HrecPolicy

extension RecordSink {
    /// Appends `payload` as a `type` event. When it cannot be encoded (JSON has no infinite
    /// numbers, say, and a client's request can carry `1e999`), appends a hand-built
    /// `gate.unrecordable` event naming the type, the call and the error instead, and returns
    /// false: the caller must then not act on the call, since its record is missing.
    @discardableResult
    func append<Payload: Encodable>(type: String, _ payload: Payload, requestID: String?) -> Bool {
        do {
            append(event: try JournalEvent(type: type, payload: payload))
            return true
        } catch {
            append(event: Self.unrecordable(type: type, requestID: requestID, error: "\(error)"))
            return false
        }
    }

    /// `{"type":"gate.unrecordable","eventType","requestID","error"}`, written without a serialiser.
    private static func unrecordable(type: String, requestID: String?, error: String) -> JournalEvent {
        var json = Array(#"{"type":"gate.unrecordable","eventType":"#.utf8)
        JSONQuoting.appendQuoted(Array(type.utf8)[...], to: &json)
        if let requestID {
            json += Array(#","requestID":"#.utf8)
            JSONQuoting.appendQuoted(Array(requestID.utf8)[...], to: &json)
        }
        json += Array(#","error":"#.utf8)
        JSONQuoting.appendQuoted(Array(error.utf8)[...], to: &json)
        json.append(UInt8(ascii: "}"))
        return JournalEvent(type: "gate.unrecordable", json: json)
    }
}
