import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The operating-system user hrec runs as.
public enum OSUser {
    /// The login name of the effective user from the password database (getpwuid(3)), not from
    /// `$USER`, which may be unset or say anything; "uid N" when the database has no entry.
    public static var name: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
