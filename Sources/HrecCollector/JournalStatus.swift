/// What the collector holds of one session (`GET /hrec/v1/journals/{session}`).
public struct JournalStatus: Sendable, Equatable, Codable {
    public var sessionID: String
    /// Frame units held.
    public var frames: UInt64
    /// Hex chain hash of the last unit held; nil when none is.
    public var chainHead: String?
    /// Whether the last unit held is the final frame.
    public var final: Bool
    /// Whether the seek index is held.
    public var index: Bool

    public init(sessionID: String, frames: UInt64, chainHead: String?, final: Bool, index: Bool) {
        self.sessionID = sessionID
        self.frames = frames
        self.chainHead = chainHead
        self.final = final
        self.index = index
    }
}
