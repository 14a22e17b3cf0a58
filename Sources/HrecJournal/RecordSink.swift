/// Something that takes records for a session's journal: the journal's single owner, or a test fake.
///
/// Producers (the pty loop, the gate) never write files themselves; they hand records to a sink.
/// Implementations must not block for disk I/O on the caller's thread beyond a bounded queue.
public protocol RecordSink: Sendable {
    /// The clock that stamps this session's records.
    var clock: SessionClock { get }
    /// Queues one record. Records are written in the order they were appended.
    func append(_ record: Record)
    /// Why records cannot be written right now (e.g. the disk is full); nil while they can.
    /// Producers stop what they would have to record (the pty relay pauses, the gate refuses)
    /// while it is set.
    var stall: JournalError? { get }
    /// Returns once every record appended before the call is in the file; throws the write
    /// error when it cannot be written. The gate calls it before it forwards or answers.
    func commit() async throws(JournalError)
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
