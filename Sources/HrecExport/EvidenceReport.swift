import Foundation

/// The bundle's index.html: static HTML, no JavaScript, one section per auditor question.
struct EvidenceReport {
    let bundle: EvidenceBundle
    let tables: EvidenceTables

    var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>hrec evidence</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}\
            td,th{border:1px solid #999;padding:2px 6px;font-size:90%;text-align:left}.failed{color:#b00;font-weight:bold}</style>
            </head><body>
            <h1>hrec evidence bundle</h1>
            <p>\(escape(bundle.verificationText.split(separator: "\n").dropFirst().prefix(2).joined(separator: "; ")))</p>
            <p>Every file below is listed with its SHA-256 in <a href="MANIFEST.sha256">MANIFEST.sha256</a> \
            (check with <code>sha256sum -c MANIFEST.sha256</code>), signed in MANIFEST.sha256.sig by the key in signer.pub.</p>

            """
        page += section("Integrity: can these journals be trusted?", "verification.txt",
                        header: ["result", "journal", "chain head", "signer"],
                        rows: bundle.entries.map { [$0.integrity, $0.path, String($0.report.chainHead.prefix(16)), $0.report.signerFingerprint ?? "?"] })
        page += csvSection("Who ran what?", "sessions.csv", tables.sessions)
        page += section("Which sessions ran unconfined? (the command could reach hrec's key, journals and the network)",
                        "sessions.csv", header: ["session", "journal", "user", "command"],
                        rows: tables.unconfined)
        page += csvSection("On which data?", "access-log.csv", tables.accessLog)
        page += csvSection("Approved by whom?", "approvals.csv", tables.approvals)
        page += csvSection("What was denied?", "denials.csv", tables.denials)
        page += section("What left the system?", "access-log.csv", header: ["principal", "resources", "requests", "bytes", "rows"],
                        rows: tables.egress.sorted { $0.key < $1.key }.map { key, total in
                            let parts = key.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                            return [parts[0], parts[1], String(total.requests), String(total.bytes), String(total.rows)]
                        })
        page += csvSection("What was masked?", "masking.csv", tables.masking)
        page += csvSection("What did people ask the agents?", "prompts.csv", tables.prompts)
        page += section("Policies in force", "policies/digests.txt", header: ["policy digest", "sessions"],
                        rows: tables.policyDigests.sorted { $0.key < $1.key }.map { [$0.key, $0.value.sorted().joined(separator: " ")] })
        page += "</body></html>\n"
        return page
    }

    private func csvSection(_ title: String, _ file: String, _ table: CSVTable) -> String {
        let rows = CSVParser.rows(table.text)
        return section(title, file, header: rows.first ?? [], rows: Array(rows.dropFirst()))
    }

    private func section(_ title: String, _ file: String, header: [String], rows: [[String]]) -> String {
        var html = "<section><h2>\(escape(title))</h2>\n<p>\(rows.count) rows; source: <a href=\"\(file)\">\(file)</a></p>\n"
        guard !rows.isEmpty else { return html + "<p>None.</p></section>\n" }
        html += "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            html += "<tr>" + row.map { cell in
                let failed = cell.hasPrefix("FAILED") || cell == "TRUNCATED"
                return failed ? "<td class=\"failed\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</table></section>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Reads back CSV written by `CSVTable` (quoted fields, doubled quotes, CRLF rows).
enum CSVParser {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        for character in text {
            if quoted {
                if character == "\"" { quoted = false; afterQuote = true } else { field.append(character) }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }
                quoted = true
            case ",": row.append(field); field = ""
            case "\r\n", "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.append(character)
            }
            afterQuote = false
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
