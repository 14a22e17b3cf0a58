import ArgumentParser
import Foundation
import HrecJournal

/// Which signer keys to accept, shared by commands that verify journals.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust"), help: ArgumentHelp("A signer public key file to trust (repeatable).", valueName: "KEY.pub"))
    var trustFiles: [String] = []

    @Flag(help: "Accept any signer: check integrity against the key the journal names.")
    var anySigner = false

    /// Your own key, ~/.config/hrec/trusted-signers/*.pub, and the --trust files.
    func trust() throws -> JournalTrust {
        try JournalTrust.local(extraFiles: trustFiles.map { URL(fileURLWithPath: $0) }, anySigner: anySigner)
    }
}
