import ArgumentParser
import Foundation
import HrecExport
import HrecJournal

/// Options shared by `hrec ls` and `hrec search`: where the journals and the index are, and filters.
struct CatalogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The session index file (rebuilt from the journals when missing).", valueName: "path"))
    var index: String?

    @Option(help: "Only sessions of this user (identity email or OS login).")
    var user: String?

    @Option(help: ArgumentHelp("Only sessions started at or after this time (2026-11-22, '2026-11-22 10:00', ISO 8601; UTC).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only sessions started before this time.", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Only sessions whose command line matches this regular expression.", valueName: "regex"))
    var command: String?

    @Option(help: ArgumentHelp("Only sessions that touched a table matching this glob (e.g. 'sales.*').", valueName: "glob"))
    var table: String?

    @Option(help: ArgumentHelp("Only sessions with at least one such gate decision.", valueName: "deny|review|allow"))
    var decision: String?

    @Flag(help: "Only sessions where some result was masked.")
    var masked = false

    @Flag(name: .customLong("net-denied"), help: "Only sessions where the egress proxy denied a connection.")
    var netDenied = false

    @Flag(name: .customLong("unconfined"), help: "Only sessions whose command ran without confinement (--unconfined, or recorded before hrec confined).")
    var unconfined = false

    @Option(name: .customLong("exit"), help: ArgumentHelp("Only sessions whose command exited with this status.", valueName: "N"))
    var exitStatus: Int32?

    func validate() throws {
        if let decision, !["deny", "review", "allow"].contains(decision.lowercased()) {
            throw ValidationError("--decision must be deny, review or allow, not '\(decision)'")
        }
    }

    /// The filter these options describe.
    func filter() throws -> CatalogFilter {
        var filter = CatalogFilter()
        filter.user = user
        filter.since = try since.map { try CatalogFilter.parseDate($0, option: "--since") }
        filter.until = try until.map { try CatalogFilter.parseDate($0, option: "--until") }
        filter.commandPattern = command
        filter.tableGlob = table
        filter.decision = decision?.lowercased()
        filter.maskedOnly = masked
        filter.exitStatus = exitStatus
        filter.netDeniedOnly = netDenied
        filter.unconfinedOnly = unconfined
        return filter
    }

    /// Opens the index and brings it up to date with the journals under `locations`
    /// (default: the sessions directory), with a progress bar on a terminal.
    func refreshedCatalog(_ locations: [String]) throws -> SessionCatalog {
        let places = locations.isEmpty ? [JournalFiles.defaultDirectory] : locations.map { URL(fileURLWithPath: $0) }
        if locations.isEmpty, !FileManager.default.fileExists(atPath: places[0].path) {
            throw CLIError("no journal directory given and '\(places[0].path)' does not exist")
        }
        let journals = try JournalFiles.find(in: places)
        // Rows are authenticated with a key derived from the signing key: an edited index is re-read.
        let key = try JournalSigner.loadOrCreate().derivedKey(purpose: "catalog")
        let catalog = try SessionCatalog(url: index.map { URL(fileURLWithPath: $0) } ?? JournalFiles.defaultIndex, key: key)
        let bar = ProgressBar("indexing")
        let stats = try catalog.refresh(journals, progress: bar.update)
        for (path, reason) in stats.unreadable.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("hrec: skipping unreadable journal '\(path)': \(reason)\n".utf8))
        }
        return catalog
    }
}
