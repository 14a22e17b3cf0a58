import Crypto
import Foundation

/// Reads what a closed journal says about itself at its end, without reading it all.
public enum JournalTail {
    /// The chain head (hex) recorded in the signed seek index of a closed journal: the preamble
    /// and the index are read, the index signature checked. Nil when there is no valid index
    /// (a journal cut short, still being written, or damaged): the caller then reads it all.
    public static func chainHead(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let preamble = try? handle.read(upToCount: Preamble.frameSize), preamble.count == Preamble.frameSize,
              case let .preamble(parsed) = Preamble.parse([UInt8](preamble)),
              let end = try? handle.seekToEnd(), end >= UInt64(Preamble.frameSize + 8) else { return nil }
        guard (try? handle.seek(toOffset: end - 8)) != nil, let footer = try? handle.read(upToCount: 8), footer.count == 8 else { return nil }
        let size = UInt64(footer[0]) | UInt64(footer[1]) << 8 | UInt64(footer[2]) << 16 | UInt64(footer[3]) << 24
        guard size <= end - UInt64(Preamble.frameSize), (try? handle.seek(toOffset: end - size)) != nil,
              let tail = try? handle.read(upToCount: Int(size)), tail.count == Int(size) else { return nil }
        guard case let .index(index, _) = SeekIndex.parseFromEnd([UInt8](tail), publicKey: parsed.signerPublicKey) else { return nil }
        return Hex.encode(index.chainHead)
    }
}

extension JournalSigner {
    /// A 32-byte key for `purpose`, derived from the signing key (HKDF-SHA256): whoever can
    /// sign journals can also vouch for what is derived from them (e.g. the session index).
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKey.rawRepresentation),
                               info: Data("hrec \(purpose)".utf8), outputByteCount: 32)
    }
}
