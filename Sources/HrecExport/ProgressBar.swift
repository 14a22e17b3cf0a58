import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal (`isatty(2)`).
public final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastDrawn = -1

    /// A bar titled `label`; silent unless stderr is a terminal (or `force` is set).
    public init(_ label: String, force: Bool = false) {
        self.label = label
        enabled = force || isatty(2) == 1
    }

    /// Shows `done` of `total`; redraws only when the percentage changes.
    public func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30, filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        if done >= total { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
