/// Byte sizes as people write them in a policy: `1000`, `10GB`, `1.5 TiB`, `500 MB`.
public enum ByteSize {
    /// Parses a size; nil when it is not one. Decimal (KB, MB, GB, TB, PB) and binary (KiB...) units.
    public static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).uppercased()
        let factors: [String: Double] = [
            "": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
            "KIB": 1024, "MIB": 1_048_576, "GIB": 1_073_741_824, "TIB": 1_099_511_627_776, "PIB": 1_125_899_906_842_624,
        ]
        guard let factor = factors[unit] else { return nil }
        let bytes = value * factor
        guard bytes < Double(UInt64.max) else { return nil }
        return UInt64(bytes)
    }
}

import Foundation
