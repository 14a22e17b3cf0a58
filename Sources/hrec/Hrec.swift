import ArgumentParser

/// The `hrec` command: records AI coding agents' sessions and gates their BigQuery access.
@main
struct Hrec: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hrec",
        abstract: "Record AI coding agents' terminal sessions and gate their BigQuery access.",
        discussion: """
            hrec wraps an agent in a pty and writes everything it does into a compressed, \
            hash-chained, signed journal; a policy gate in front of BigQuery authenticates, \
            classifies, blocks, holds or masks every request on the same timeline.
            """,
        version: version,
        subcommands: []
    )
}
