import Foundation

/// One key (or pasted block) the person's terminal sent, decoded from raw input bytes.
enum Key: Equatable {
    /// A printable character (UTF-8 decoded; invalid bytes become U+FFFD).
    case character(Unicode.Scalar)
    /// A control byte (0x00-0x1F, 0x7F), Enter and Backspace included.
    case control(UInt8)
    /// An escape sequence: `ESC [ params final`, `ESC O final`, or `ESC x` (Alt-x, `final` = x).
    case escape(introducer: UInt8, parameters: [UInt8], final: UInt8)
    /// A bracketed paste (`ESC [200~` … `ESC [201~`) as one block; CR and CRLF become `\n`.
    case paste(String)
}

/// Turns the bytes a terminal sends into keys, across read boundaries: UTF-8 sequences, escape
/// sequences and bracketed pastes may be split between two reads.
struct KeyDecoder {
    private enum State {
        case ground
        case escape
        case csi([UInt8])
        case ss3
        case paste([UInt8])
    }

    private static let pasteStart: [UInt8] = Array("200".utf8)
    private static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)
    /// A paste larger than this many bytes is cut (the excess is counted in `droppedPasteBytes`).
    static let pasteLimit = 4 << 20

    private var state = State.ground
    private var utf8: [UInt8] = []
    private var utf8Expected = 0
    /// Bytes of pastes beyond `pasteLimit`, not kept.
    private(set) var droppedPasteBytes = 0

    /// Decodes `bytes`; keys still incomplete at the end wait for the next call.
    mutating func decode(_ bytes: some Sequence<UInt8>) -> [Key] {
        var keys: [Key] = []
        for byte in bytes { step(byte, into: &keys) }
        return keys
    }

    private mutating func step(_ byte: UInt8, into keys: inout [Key]) {
        switch state {
        case .ground:
            ground(byte, into: &keys)
        case .escape:
            switch byte {
            case UInt8(ascii: "["): state = .csi([])
            case UInt8(ascii: "O"): state = .ss3
            case 0x1B:
                keys.append(.escape(introducer: 0x1B, parameters: [], final: 0x1B))
                state = .escape
            default:
                keys.append(.escape(introducer: 0x1B, parameters: [], final: byte))
                state = .ground
            }
        case var .csi(parameters):
            if (0x20...0x3F).contains(byte), parameters.count < 32 {
                parameters.append(byte)
                state = .csi(parameters)
            } else if byte == UInt8(ascii: "~"), parameters == Self.pasteStart {
                state = .paste([])
            } else {
                keys.append(.escape(introducer: UInt8(ascii: "["), parameters: parameters, final: byte))
                state = .ground
            }
        case .ss3:
            keys.append(.escape(introducer: UInt8(ascii: "O"), parameters: [], final: byte))
            state = .ground
        case var .paste(content):
            state = .ground  // released while appending, so the array is not copied
            content.append(byte)
            if content.count > Self.pasteLimit + Self.pasteEnd.count {
                // Past the limit: keep a window as long as the end marker after the kept bytes.
                content.remove(at: Self.pasteLimit)
                droppedPasteBytes += 1
            }
            if content.count >= Self.pasteEnd.count, content.suffix(Self.pasteEnd.count).elementsEqual(Self.pasteEnd) {
                content.removeLast(Self.pasteEnd.count)
                keys.append(.paste(Self.pasteText(content)))
            } else {
                state = .paste(content)
            }
        }
    }

    private mutating func ground(_ byte: UInt8, into keys: inout [Key]) {
        if utf8Expected > 0 {
            if byte & 0xC0 == 0x80 {
                utf8.append(byte)
                if utf8.count == utf8Expected { flushUTF8(into: &keys) }
                return
            }
            flushUTF8(into: &keys)  // cut short: what was gathered is one replacement character
        }
        switch byte {
        case 0x1B: state = .escape
        case 0x00..<0x20, 0x7F: keys.append(.control(byte))
        case 0x20..<0x80: keys.append(.character(Unicode.Scalar(byte)))
        case 0xC2...0xDF: startUTF8(byte, length: 2)
        case 0xE0...0xEF: startUTF8(byte, length: 3)
        case 0xF0...0xF4: startUTF8(byte, length: 4)
        default: keys.append(.character("\u{FFFD}"))
        }
    }

    private mutating func startUTF8(_ byte: UInt8, length: Int) {
        utf8 = [byte]
        utf8Expected = length
    }

    private mutating func flushUTF8(into keys: inout [Key]) {
        let scalars = String(decoding: utf8, as: UTF8.self).unicodeScalars
        keys += scalars.map { Key.character($0) }
        utf8 = []
        utf8Expected = 0
    }

    /// Pasted bytes as text: CRLF and CR (what terminals send for a newline) become LF.
    private static func pasteText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
    }
}
