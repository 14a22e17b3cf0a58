/// Finds personal data in string values, whatever column they are in. Hand-written scanners
/// (no regular expressions): fast, and strict enough that e.g. 16 digits failing Luhn are no card.
public enum ContentDetector {
    /// Whether `value` contains data `detector` looks for.
    public static func detects(_ detector: Detector, in value: String) -> Bool {
        var value = value
        return value.withUTF8 { detects(detector, in: $0) }
    }

    /// Whether the UTF-8 bytes contain data `detector` looks for (no copy, no decoding).
    public static func detects(_ detector: Detector, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch detector {
        case .email: return containsEmail(bytes)
        case .creditCard: return containsCard(bytes)
        case .usSSN: return containsSSN(bytes)
        case .phone: return containsPhone(bytes)
        case .iban: return containsIBAN(bytes)
        }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }

    static func containsEmail(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.contains(UInt8(ascii: "@")) else { return false }
        for (at, byte) in s.enumerated() where byte == UInt8(ascii: "@") {
            var start = at
            while start > 0, isAlpha(s[start - 1]) || isDigit(s[start - 1]) || "._%+-".utf8.contains(s[start - 1]) { start -= 1 }
            var end = at + 1, dot = false
            while end < s.count, isAlpha(s[end]) || isDigit(s[end]) || s[end] == UInt8(ascii: ".") || s[end] == UInt8(ascii: "-") {
                if s[end] == UInt8(ascii: ".") && end > at + 1 && end + 2 < s.count + 1 { dot = true }
                end += 1
            }
            if at - start >= 1, dot, end - at >= 4, s[end - 1] != UInt8(ascii: ".") { return true }
        }
        return false
    }

    /// 13-19 digits, optionally separated by single spaces or dashes, passing Luhn.
    static func containsCard(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var digitCount = 0
        for byte in s where isDigit(byte) { digitCount += 1 }
        guard digitCount >= 13 else { return false }
        var index = 0
        while index < s.count {
            guard isDigit(s[index]), index == 0 || !isDigit(s[index - 1]) else { index += 1; continue }
            var digits: [Int] = []
            var position = index
            while position < s.count {
                if isDigit(s[position]) { digits.append(Int(s[position] - 48)); position += 1 }
                else if (s[position] == 32 || s[position] == 45), position + 1 < s.count, isDigit(s[position + 1]), !digits.isEmpty { position += 1 }
                else { break }
                if digits.count > 19 { break }
            }
            if (13...19).contains(digits.count) && luhn(digits) { return true }
            index = max(position, index + 1)
        }
        return false
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let value = offset % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }

    /// AAA-GG-SSSS with area not 000, 666 or 9xx, group not 00, serial not 0000.
    static func containsSSN(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count >= 11, s.contains(45) else { return false }
        for start in 0...(s.count - 11) {
            let w = UnsafeBufferPointer(rebasing: s[start..<start + 11])
            guard w[3] == 45, w[6] == 45, [0, 1, 2, 4, 5, 7, 8, 9, 10].allSatisfy({ isDigit(w[$0]) }) else { continue }
            if start > 0 && isDigit(s[start - 1]) { continue }
            if start + 11 < s.count && isDigit(s[start + 11]) { continue }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(w[$1] - 48) } }
            let area = number(0..<3), group = number(4..<6), serial = number(7..<11)
            if area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 { return true }
        }
        return false
    }

    /// `+` then 8-15 digits (spaces, dashes, dots, parentheses between), or `(NNN) NNN-NNNN`.
    static func containsPhone(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "(") }) else { return false }
        for (index, byte) in s.enumerated() where byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
            var digits = 0, position = index + 1
            while position < s.count, isDigit(s[position]) || " -.()".utf8.contains(s[position]) {
                if isDigit(s[position]) { digits += 1 }
                position += 1
            }
            if byte == UInt8(ascii: "+") && (8...15).contains(digits) { return true }
            if byte == UInt8(ascii: "(") && digits == 10 { return true }
        }
        return false
    }

    /// Two letters, two check digits, 11-30 alphanumerics (spaces allowed), valid mod 97.
    static func containsIBAN(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count >= 15 else { return false }
        for start in 0..<(s.count - 14) {
            guard isAlpha(s[start]), isAlpha(s[start + 1]), isDigit(s[start + 2]), isDigit(s[start + 3]) else { continue }
            if start > 0 && (isAlpha(s[start - 1]) || isDigit(s[start - 1])) { continue }
            var chars: [UInt8] = []
            var position = start
            while position < s.count, chars.count < 34, isAlpha(s[position]) || isDigit(s[position]) || s[position] == 32 {
                if s[position] != 32 { chars.append(s[position] & ~0x20 | (isDigit(s[position]) ? 0x20 : 0)) }
                position += 1
            }
            guard (15...34).contains(chars.count) else { continue }
            let rearranged = Array(chars[4...]) + Array(chars[0..<4])
            var remainder = 0
            for char in rearranged {
                if isDigit(char) { remainder = (remainder * 10 + Int(char - 48)) % 97 }
                else { remainder = (remainder * 100 + Int((char | 0x20) - 97 + 10)) % 97 }
            }
            if remainder == 1 { return true }
        }
        return false
    }
}
