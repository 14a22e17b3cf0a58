import Foundation
import HrecJournal

/// `hrec evidence`: a directory an auditor can check without hrec.
///
/// Holds access-log.csv, approvals.csv, denials.csv, masking.csv, sessions.csv, verification.txt,
/// policies/, index.html, and MANIFEST.sha256 (for `sha256sum -c`) signed in MANIFEST.sha256.sig
/// (base64 Ed25519) by the key in signer.pub. A journal that fails verification is included and
/// marked FAILED, never left out.
public struct EvidenceBundle {
    /// One journal considered for the bundle.
    public struct Entry: Sendable {
        public var path: String
        public var report: VerificationReport
        /// What could be read (nil when not even the header could).
        public var digest: JournalDigest?
        public var readError: String?

        /// `OK`, `TRUNCATED` or `FAILED (<kind>)`.
        public var integrity: String {
            guard let problem = report.problem else { return "OK" }
            return problem.kind == .truncated ? "TRUNCATED" : "FAILED (\(problem.kind.rawValue))"
        }
    }

    /// The files every bundle has, besides policies/ and the manifest.
    public static let files = ["access-log.csv", "approvals.csv", "denials.csv", "masking.csv", "prompts.csv",
                               "sessions.csv", "verification.txt", "index.html", "signer.pub", "signer.pem"]

    /// How to check a bundle with tools a person has (coreutils and OpenSSL 3), run in its directory.
    public static let checkCommand = "sha256sum -c MANIFEST.sha256 && base64 -d MANIFEST.sha256.sig > /tmp/manifest.sig && "
        + "openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in MANIFEST.sha256 -sigfile /tmp/manifest.sig"

    public var since: Date?
    public var until: Date?
    public var entries: [Entry] = []

    /// Verifies and reads every journal in `journals`, keeping those that started in
    /// [`since`, `until`) and every one whose start cannot be read. `progress` gets (done, total).
    public init(journals: [URL], since: Date?, until: Date?, trust: JournalTrust,
                progress: (Int, Int) -> Void = { _, _ in }) {
        self.since = since
        self.until = until
        for (done, url) in journals.enumerated() {
            progress(done, journals.count)
            // One read: the tables come from exactly the bytes verified, and only from the part
            // that verified (a journal altered at frame N contributes frames before N only).
            let bytes = FileManager.default.contents(atPath: url.path).map { [UInt8]($0) } ?? []
            let report = JournalVerifier.verify(bytes: bytes, path: url.path, trust: trust)
            var entry = Entry(path: url.path, report: report)
            do throws(ExportError) {
                let verified = report.isIntact ? bytes : Array(bytes.prefix(Int(report.intactBytes)))
                let reader: JournalReader
                do {
                    reader = try JournalReader(bytes: verified, url: url)
                } catch {
                    throw ExportError.journal(path: url.path, reason: error.description)
                }
                let digest = try JournalDigest(reader: reader)
                let start = digest.summary.startedAt
                if let since, start < since { continue }
                if let until, start >= until { continue }
                entry.digest = digest
            } catch {
                entry.readError = error.description
            }
            entries.append(entry)
        }
        progress(journals.count, journals.count)
    }

    /// Entries that did not verify (truncation included).
    public var failed: [Entry] { entries.filter { !$0.report.isIntact } }

    /// Writes the bundle into `directory` (created; existing bundle files replaced) and signs it.
    /// - Throws: `ExportError.io` when a file cannot be written.
    public func write(to directory: URL, signer: ManifestSigner) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("policies"), withIntermediateDirectories: true)
        var written: [String: Data] = [:]
        func put(_ name: String, _ text: String) throws {
            let data = Data(text.utf8)
            do {
                try data.write(to: directory.appendingPathComponent(name))
            } catch {
                throw ExportError.io(path: directory.appendingPathComponent(name).path, operation: "write", reason: "\(error.localizedDescription)")
            }
            written[name] = data
        }
        let tables = EvidenceTables(entries: entries)
        try put("access-log.csv", tables.accessLog.text)
        try put("approvals.csv", tables.approvals.text)
        try put("denials.csv", tables.denials.text)
        try put("masking.csv", tables.masking.text)
        try put("prompts.csv", tables.prompts.text)
        try put("sessions.csv", tables.sessions.text)
        try put("verification.txt", verificationText)
        for (digest, text) in tables.policyTexts.sorted(by: { $0.key < $1.key }) { try put("policies/\(digest).policy", text) }
        try put("policies/digests.txt", tables.policyDigests.sorted(by: { $0.key < $1.key })
            .map { "\($0.key)  \($0.value.sorted().joined(separator: " "))\n" }.joined())
        try put("index.html", EvidenceReport(bundle: self, tables: tables).html)
        try put("signer.pub", JournalTrust.publicKeyText(signer.publicKey))
        try put("signer.pem", Self.pem(publicKey: signer.publicKey))
        let manifest = written.keys.sorted().map { "\(ManifestSigner.sha256(written[$0]!))  \($0)\n" }.joined()
        try put("MANIFEST.sha256", manifest)
        try put("MANIFEST.sha256.sig", try signer.sign(Data(manifest.utf8)).base64EncodedString() + "\n")
    }

    /// An Ed25519 public key as PEM (SubjectPublicKeyInfo), as `openssl pkeyutl -pubin` reads it.
    static func pem(publicKey: [UInt8]) -> String {
        // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE, algorithm 1.3.101.112, BIT STRING.
        let prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        return "-----BEGIN PUBLIC KEY-----\n\(Data(prefix + publicKey).base64EncodedString())\n-----END PUBLIC KEY-----\n"
    }

    /// verification.txt: one block per journal with its result, chain head and signer.
    public var verificationText: String {
        var text = "hrec evidence: journal verification\n"
        text += "period: \(since.map { CSVTable.timestamp(micros: Int64($0.timeIntervalSince1970 * 1_000_000)) } ?? "-")"
        text += " .. \(until.map { CSVTable.timestamp(micros: Int64($0.timeIntervalSince1970 * 1_000_000)) } ?? "-")\n"
        text += "journals: \(entries.count), failed: \(failed.count)\n\n"
        for entry in entries {
            let report = entry.report
            text += "\(entry.integrity)  \(entry.path)\n"
            text += "  session: \(entry.digest?.summary.sessionID ?? "unreadable")\n"
            text += "  chain head: \(report.chainHead)\n"
            text += "  signer: \(report.signerFingerprint ?? "unknown") (\(report.signerTrusted ? "trusted" : "not trusted"))\n"
            text += "  intact: \(report.intactFrames) frames, \(report.intactRecords) records, \(report.intactBytes) bytes\n"
            if let problem = report.problem {
                let place = problem.frame.map { "frame \($0), byte \(problem.offset)" } ?? "byte \(problem.offset)"
                text += "  problem: \(problem.kind.rawValue) at \(place): \(problem.detail)\n"
            }
            if let readError = entry.readError { text += "  read error: \(readError)\n" }
        }
        return text
    }

    /// Checks a bundle's signature: MANIFEST.sha256.sig against MANIFEST.sha256 and signer.pub.
    /// (Digests themselves are checked with `sha256sum -c MANIFEST.sha256`.)
    public static func signatureIsValid(in directory: URL) -> Bool {
        guard let manifest = try? Data(contentsOf: directory.appendingPathComponent("MANIFEST.sha256")),
              let signatureText = try? String(contentsOf: directory.appendingPathComponent("MANIFEST.sha256.sig"), encoding: .utf8),
              let signature = Data(base64Encoded: signatureText.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? JournalTrust.publicKey(contentsOf: directory.appendingPathComponent("signer.pub")) else { return false }
        return ManifestSigner.isValid(signature: signature, of: manifest, publicKey: key)
    }
}
