import HrecJournal

/// The storage key of each part of a journal (docs/collector.md, "Storage layout"); the same
/// keys on a directory and in a bucket, under the store's own prefix.
public enum PartKey {
    /// `journals/{session}/`: every part of one session.
    public static func session(_ session: SessionID) -> String { "journals/\(session)/" }
    /// `journals/{session}/preamble`.
    public static func preamble(_ session: SessionID) -> String { Self.session(session) + "preamble" }
    /// `journals/{session}/index`.
    public static func index(_ session: SessionID) -> String { Self.session(session) + "index" }
    /// `journals/{session}/frames/`.
    public static func frames(_ session: SessionID) -> String { Self.session(session) + "frames/" }
    /// `journals/{session}/frames/{index, 16 decimal digits}`.
    public static func frame(_ session: SessionID, _ index: UInt64) -> String {
        let digits = String(index)
        return frames(session) + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// The frame index of a key made by `frame(_:_:)`; nil for any other key.
    public static func frameIndex(of key: String) -> UInt64? {
        guard let slash = key.lastIndex(of: "/"), key[..<slash].hasSuffix("/frames") else { return nil }
        let name = key[key.index(after: slash)...]
        guard name.count == 16, name.allSatisfy(\.isASCII) else { return nil }
        return UInt64(name)
    }
}
