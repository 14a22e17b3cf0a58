/// Something that takes records for a session's journal: the journal's single owner, or a test fake.
///
/// Producers (the pty loop, the gate) never write files themselves; they hand records to a sink.
/// Implementations must not block for disk I/O on the caller's thread beyond a bounded queue.
public protocol RecordSink: Sendable {
    /// The clock that stamps this session's records.
    var clock: SessionClock { get }
    /// Queues one record. Records are written in the order they were appended.
    func append(_ record: Record)
}

extension RecordSink {
    /// Appends `body` stamped with the current session time.
    public func append(_ body: Record.Body) {
        append(Record(time: clock.now(), body: body))
    }

    /// Appends a structured event stamped with the current session time.
    public func append(event: JournalEvent) {
        append(.event(event))
    }
}
