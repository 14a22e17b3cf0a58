/// What a collector holds of one journal: its answer to `GET /hrec/v1/journals/{session}`.
public struct CollectorStatus: Codable, Sendable, Equatable {
    public var sessionID: String
    /// Frame units held (the last accepted index + 1).
    public var frames: UInt64
    /// The chain hash (hex) of the last unit held; nil when none is.
    public var chainHead: String?
    /// Whether the final frame is held.
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
