import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// The pty's line discipline as the child set it (read through the master with tcgetattr(3)).
struct LineDiscipline: Equatable {
    /// ECHO: the terminal shows what is typed.
    var echoes: Bool
    /// ICANON: the kernel edits lines (cooked mode); false in raw and cbreak modes.
    var canonical: Bool

    /// Canonical mode without echo: a program reading a secret with the kernel's line editing
    /// (getpass, `read -s`, sudo, ssh).
    var readsSecret: Bool { canonical && !echoes }

    /// The settings of the pty behind `master`; when they cannot be read, a secret is assumed.
    init(master: FileDescriptor) {
        var attributes = termios()
        guard tcgetattr(master.rawValue, &attributes) == 0 else {
            self.init(echoes: false, canonical: true)
            return
        }
        self.init(echoes: attributes.c_lflag & tcflag_t(ECHO) != 0, canonical: attributes.c_lflag & tcflag_t(ICANON) != 0)
    }

    init(echoes: Bool, canonical: Bool) {
        self.echoes = echoes
        self.canonical = canonical
    }
}
