import Crypto
import Foundation
import HrecJournal

/// The session index: one SQLite file summarising many journals, rebuilt incrementally.
///
/// Journals are the source of truth. `refresh(_:)` re-reads only journals whose path, size or
/// modification time changed, drops rows for journals that disappeared, and rebuilds everything
/// when the index file is missing or from another schema version.
///
/// Each row is bound to its journal: it holds the journal's verified chain head, and, with a
/// key, an HMAC over the row, that chain head and the row's texts. A journal whose signed chain
/// head differs from the row's, or a row (or its texts) edited in the index file, is re-read,
/// so editing `catalog.sqlite` cannot hide a session or its statements.
public final class SessionCatalog {
    /// What a refresh did.
    public struct RefreshStats: Sendable, Equatable {
        public var read = 0
        public var unchanged = 0
        public var removed = 0
        /// Journals that could not be read, with the reason.
        public var unreadable: [String: String] = [:]
    }

    /// One search match.
    public struct Hit: Sendable, Equatable {
        public var session: SessionSummary
        public var time: UInt64
        public var source: SessionText.Source
        public var text: String
        /// For SQL: the prompt that preceded the call.
        public var prompt: String?
    }

    /// Bumped whenever the tables below change; an index of another version is rebuilt.
    static let schemaVersion = 6
    let database: SQLiteDatabase
    let key: SymmetricKey?

    /// Opens or creates the index at `url` (its directory is created). `key` (e.g.
    /// `JournalSigner.derivedKey(purpose: "catalog")`) authenticates the rows; without it rows
    /// are only bound to the journals' chain heads.
    /// - Throws: `ExportError` when the index cannot be created or opened.
    public init(url: URL = JournalFiles.defaultIndex, key: SymmetricKey? = nil) throws {
        self.key = key
        try Self.makePrivate(url)
        database = try SQLiteDatabase(path: url.path)
        var version: Int64 = 0
        try database.query("PRAGMA user_version") { version = $0.integer(0) }
        if version != Self.schemaVersion {
            try database.execute("""
                DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS texts;
                CREATE TABLE sessions (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, session_id TEXT,
                  started INTEGER, duration INTEGER, user TEXT, os_user TEXT, host TEXT, command TEXT,
                  exit_status INTEGER, tables TEXT, decisions TEXT, masked INTEGER, events INTEGER,
                  truncated INTEGER, policy_digest TEXT, error TEXT, net_denied INTEGER, unconfined INTEGER, prompts INTEGER,
                  chain_head TEXT, mac TEXT);
                CREATE INDEX sessions_started ON sessions(started);
                CREATE TABLE texts (path TEXT, time INTEGER, source TEXT, text TEXT, prompt TEXT);
                CREATE INDEX texts_path ON texts(path);
                PRAGMA user_version = \(Self.schemaVersion);
                """)
        }
        try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
    }

    /// The index holds screen text of every session: its directory is made 0700 and the file
    /// 0600 (like the journals), before SQLite opens it; SQLite gives its -wal and -shm files
    /// the same mode as the database.
    private static func makePrivate(_ url: URL) throws(ExportError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: directory.path, operation: "create the index directory", reason: error.localizedDescription)
        }
        guard chmod(directory.path, 0o700) == 0 else {
            throw .io(path: directory.path, operation: "make the index directory private", reason: Errno.current.description)
        }
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: url.path, operation: "create the index", reason: Errno.current.description) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            throw .io(path: url.path, operation: "make the index private", reason: Errno.current.description)
        }
    }

    /// Brings the index up to date with `journals` (as found by `JournalFiles.find`); rows for
    /// journals no longer in the list are removed. `progress` gets (done, total).
    public func refresh(_ journals: [URL], progress: (Int, Int) -> Void = { _, _ in }) throws -> RefreshStats {
        var stats = RefreshStats()
        var known: [String: (Int64, Int64)] = [:]
        try database.query("SELECT path, size, mtime FROM sessions") { known[$0.text(0)] = ($0.integer(1), $0.integer(2)) }
        let wanted = Set(journals.map(\.path))
        try database.transaction {
            for path in known.keys where !wanted.contains(path) {
                try database.query("DELETE FROM sessions WHERE path = ?", [.text(path)])
                try database.query("DELETE FROM texts WHERE path = ?", [.text(path)])
                stats.removed += 1
            }
        }
        for (done, url) in journals.enumerated() {
            progress(done, journals.count)
            guard let stamp = JournalFiles.stamp(url) else { continue }
            if let old = known[url.path], old == (stamp.size, stamp.mtime), try isBound(path: url.path) {
                stats.unchanged += 1
                continue
            }
            let (digest, chainHead, failure) = Self.read(url)
            if let failure { stats.unreadable[url.path] = failure }
            try database.transaction {
                try store(digest, error: failure, path: url.path, stamp: stamp, chainHead: chainHead)
            }
            stats.read += 1
        }
        progress(journals.count, journals.count)
        return stats
    }

    private func store(_ digest: JournalDigest?, error: String?, path: String, stamp: (size: Int64, mtime: Int64),
                       chainHead: String) throws {
        try database.query("DELETE FROM texts WHERE path = ?", [.text(path)])
        guard let digest else {
            try database.query("INSERT OR REPLACE INTO sessions (path, size, mtime, error, chain_head) VALUES (?, ?, ?, ?, ?)",
                               [.text(path), .integer(stamp.size), .integer(stamp.mtime), .text(error ?? "unreadable"), .text(chainHead)])
            try seal(path: path)
            return
        }
        let s = digest.summary
        try database.query("""
            INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL)
            """, [.text(path), .integer(stamp.size), .integer(stamp.mtime), .text(s.sessionID),
                  .integer(s.startedAtMicros), .integer(Int64(s.durationMicros)), .text(s.user), .text(s.osUser),
                  .text(s.host), .text(s.command), s.exitStatus.map { .integer(Int64($0)) } ?? .null,
                  .text(s.tables.joined(separator: "\n")), .text(s.decisions.joined(separator: "\n")),
                  .integer(s.masked ? 1 : 0), .integer(Int64(s.eventCount)), .integer(s.truncated ? 1 : 0),
                  s.policyDigest.map { .text($0) } ?? .null, .integer(s.netDenied ? 1 : 0), .integer(s.unconfined ? 1 : 0),
                  .integer(Int64(s.promptCount)), .text(chainHead)])
        for text in digest.texts {
            try database.query("INSERT INTO texts VALUES (?, ?, ?, ?, ?)",
                               [.text(path), .integer(Int64(text.time)), .text(text.source.rawValue), .text(text.text),
                                text.prompt.map { .text($0) } ?? .null])
        }
        try seal(path: path)
    }

    /// Readable sessions passing `filter`, oldest first.
    public func sessions(matching filter: CatalogFilter = CatalogFilter()) throws -> [SessionSummary] {
        var all: [SessionSummary] = []
        try database.query("SELECT * FROM sessions WHERE error IS NULL ORDER BY started, path") { all.append(Self.summary($0)) }
        return try all.filter { session throws(ExportError) in try filter.matches(session) }
    }

    /// Journals the index could not read, with the reason.
    public func unreadable() throws -> [(path: String, reason: String)] {
        var rows: [(String, String)] = []
        try database.query("SELECT path, error FROM sessions WHERE error IS NOT NULL ORDER BY path") { rows.append(($0.text(0), $0.text(1))) }
        return rows
    }

    /// Text containing `pattern` (case-insensitive) in sessions passing `filter`, in session then time order.
    public func search(_ pattern: String, sources: Set<SessionText.Source> = Set(SessionText.Source.allCases),
                       filter: CatalogFilter = CatalogFilter()) throws -> [Hit] {
        let sessions = Dictionary(uniqueKeysWithValues: try self.sessions(matching: filter).map { ($0.path, $0) })
        var hits: [Hit] = []
        try database.query("""
            SELECT texts.path, time, source, text, prompt FROM texts JOIN sessions USING (path)
            WHERE instr(lower(text), lower(?)) > 0 ORDER BY sessions.started, texts.path, time
            """, [.text(pattern)]) { row in
            guard let session = sessions[row.text(0)], let source = SessionText.Source(rawValue: row.text(2)),
                  sources.contains(source) else { return }
            hits.append(Hit(session: session, time: UInt64(row.integer(1)), source: source, text: row.text(3),
                            prompt: row.optionalInteger(4) == nil ? nil : row.text(4)))
        }
        return hits
    }

    private static func summary(_ row: SQLiteRow) -> SessionSummary {
        func list(_ column: Int32) -> [String] { row.text(column).split(separator: "\n").map(String.init) }
        return SessionSummary(
            path: row.text(0), sessionID: row.text(3), startedAtMicros: row.integer(4),
            durationMicros: UInt64(row.integer(5)), user: row.text(6), osUser: row.text(7), host: row.text(8),
            command: row.text(9), exitStatus: row.optionalInteger(10).map { Int32($0) }, tables: list(11),
            decisions: list(12), masked: row.integer(13) != 0, eventCount: Int(row.integer(14)),
            truncated: row.integer(15) != 0, policyDigest: row.optionalInteger(16) == nil ? nil : row.text(16),
            netDenied: row.integer(18) != 0, unconfined: row.integer(19) != 0, promptCount: Int(row.optionalInteger(20) ?? 0))
    }
}
