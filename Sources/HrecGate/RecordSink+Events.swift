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
            append(event: try GateEvents.journalEvent(type: type, payload))
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

extension GateEvents {
    /// The event's JSON. A `gate.response`'s body text (up to 64 KiB, most of the event) is
    /// quoted straight into the bytes instead of through JSONEncoder's string serialiser: the
    /// event is encoded with an empty body, whose `"responseBody":""` is then replaced. (In
    /// encoded JSON a quote inside a string always follows a backslash, so that text can only
    /// be the member itself.)
    static func journalEvent<Payload: Encodable>(type: String, _ payload: Payload) throws -> JournalEvent {
        guard var response = payload as? GateEvents.Response, !response.responseBody.isEmpty else {
            return try JournalEvent(type: type, payload: payload)
        }
        let body = response.responseBody
        response.responseBody = ""
        let empty = try JournalEvent(type: type, payload: response)
        guard let member = empty.json.firstRange(of: Array(#""responseBody":"""#.utf8)) else {
            return try JournalEvent(type: type, payload: payload)
        }
        var json = Array(empty.json[..<member.lowerBound]) + Array(#""responseBody":"#.utf8)
        json.reserveCapacity(empty.json.count + body.utf8.count + body.utf8.count / 8)
        JSONQuoting.appendQuoted(Array(body.utf8)[...], to: &json)
        json += empty.json[member.upperBound...]
        return JournalEvent(type: type, json: json)
    }
}
