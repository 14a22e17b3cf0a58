import Foundation

/// Finds journal files (`*.hrec`) and the default places they live.
public enum JournalFiles {
    /// `$XDG_DATA_HOME/hrec/sessions` (default `~/.local/share/hrec/sessions`).
    public static var defaultDirectory: URL {
        xdg("XDG_DATA_HOME", fallback: ".local/share").appendingPathComponent("hrec/sessions")
    }

    /// `$XDG_CACHE_HOME/hrec/catalog.sqlite` (default `~/.cache/hrec/catalog.sqlite`).
    public static var defaultIndex: URL {
        xdg("XDG_CACHE_HOME", fallback: ".cache").appendingPathComponent("hrec/catalog.sqlite")
    }

    /// Every `*.hrec` file under `locations` (files are taken as given, directories searched
    /// recursively), sorted by path, without duplicates.
    /// - Throws: `ExportError.io` when a location does not exist.
    public static func find(in locations: [URL]) throws(ExportError) -> [URL] {
        var found = Set<String>()
        for location in locations {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else {
                throw .io(path: location.path, operation: "read", reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                found.insert(location.standardizedFileURL.path)
                continue
            }
            let enumerator = FileManager.default.enumerator(at: location, includingPropertiesForKeys: [.isRegularFileKey])
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "hrec" { found.insert(url.standardizedFileURL.path) }
            }
        }
        return found.sorted().map { URL(fileURLWithPath: $0) }
    }

    /// Size and modification time (ns) of `url`, or nil when it cannot be statted.
    static func stamp(_ url: URL) -> (size: Int64, mtime: Int64)? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    private static func xdg(_ variable: String, fallback: String) -> URL {
        if let value = ProcessInfo.processInfo.environment[variable], value.hasPrefix("/") {
            return URL(fileURLWithPath: value)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(fallback)
    }
}
