/// Checks a journal frame by frame: seal signatures, frame order, the hash chain, record
/// decoding, the end record and the seek index. Stops at the first problem and reports how much
/// before it is intact.
public enum JournalVerifier {
    /// Verifies the journal at `path` against `trust`.
    public static func verify(path: String, trust: JournalTrust) -> VerificationReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            var report = VerificationReport.empty(path: path)
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "permission denied"
            report.problem = .init(kind: .malformed, frame: nil, offset: 0, detail: "cannot read the file: \(reason)")
            return report
        }
        return verify(bytes: [UInt8](data), path: path, trust: trust)
    }

    /// Verifies journal bytes (`path` is only used in the report).
    public static func verify(bytes: [UInt8], path: String, trust: JournalTrust) -> VerificationReport {
        var run = VerificationRun(bytes: bytes, report: .empty(path: path))
        run.verify(trust: trust)
        return run.report
    }
}

import Foundation

private struct VerificationRun {
    let bytes: [UInt8]
    var report: VerificationReport
    private let decompressor = ZstdDecompressor()

    init(bytes: [UInt8], report: VerificationReport) {
        self.bytes = bytes
        self.report = report
    }

    mutating func fail(_ kind: VerificationReport.ProblemKind, frame: Int?, offset: Int, _ detail: String) {
        report.problem = .init(kind: kind, frame: frame, offset: UInt64(offset), detail: detail)
    }

    mutating func verify(trust: JournalTrust) {
        let preamble: Preamble
        switch Preamble.parse(bytes) {
        case let .preamble(parsed): preamble = parsed
        case .truncated: return fail(.truncated, frame: nil, offset: bytes.count, "the file ends inside the preamble")
        case let .invalid(reason): return fail(.malformed, frame: nil, offset: 0, reason)
        }
        guard Int(preamble.version) == JournalFormat.version else {
            return fail(.malformed, frame: nil, offset: 0, "format version \(preamble.version) is not supported")
        }
        let key = preamble.signerPublicKey
        report.signerFingerprint = JournalSigner.fingerprint(of: key)
        report.signerTrusted = trust.accepts(key)
        var chain = FrameSeal.chainSeed(preamble: Array(bytes[0..<Preamble.frameSize]))
        var offset = Preamble.frameSize
        var position = 0
        var nextRecord: UInt64 = 0
        var seen: [UInt64: [UInt8]] = [:]
        var frameOffsets: [SeekIndex.Entry] = []
        var sawFinal = false
        report.intactBytes = UInt64(offset)
        report.chainHead = Hex.encode(chain)

        while true {
            if offset == bytes.count {
                if sawFinal {
                    return fail(.truncated, frame: nil, offset: offset,
                                "the seek index written at close is missing (every record is present; the file was cut after its end record)")
                }
                return fail(.truncated, frame: position, offset: offset,
                            "the journal stops after frame \(position - 1) without its end record (a crash or a cut copy)")
            }
            var reader = ByteReader(bytes, position: offset)
            guard let magic = reader.u32() else {
                return fail(.truncated, frame: position, offset: offset, "the file ends inside a frame header")
            }
            if magic == JournalFormat.indexMagic {
                guard sawFinal else {
                    return fail(.malformed, frame: position, offset: offset, "a seek index where frame \(position) should be")
                }
                let endsWithFooter = bytes.count >= 4 && Array(bytes[(bytes.count - 4)...]) == SeekIndex.footerTag
                if let size = reader.u32(), bytes.count - offset < 8 + Int(size), !endsWithFooter {
                    return fail(.truncated, frame: nil, offset: offset, "the file ends inside the seek index (every record is present)")
                }
                if reader.remaining < 4 {
                    return fail(.truncated, frame: nil, offset: offset, "the file ends inside the seek index (every record is present)")
                }
                return checkIndex(at: offset, key: key, frames: frameOffsets, chain: chain)
            }
            if sawFinal {
                return fail(.malformed, frame: position, offset: offset, "bytes after the final frame")
            }
            let seal: FrameSeal
            switch FrameSeal.parse(bytes, at: offset) {
            case .truncated: return fail(.truncated, frame: position, offset: offset, "the file ends inside the seal of frame \(position)")
            case let .invalid(reason): return fail(.modified, frame: position, offset: offset, "frame \(position): \(reason)")
            case let .seal(parsed): seal = parsed
            }
            guard JournalTrust.isValid(signature: seal.signature[...], message: seal.signedMessage, publicKey: key) else {
                return fail(.badSignature, frame: position, offset: offset,
                            "the seal of frame \(position) does not match its signature (seal modified, or signed by another key)")
            }
            let dataStart = offset + FrameSeal.frameSize
            let dataEnd = dataStart + Int(seal.compressedLength)
            guard dataEnd <= bytes.count else {
                return fail(.truncated, frame: position, offset: offset, "the file ends inside frame \(position)")
            }
            if seal.frameIndex != UInt64(position) {
                return classifyOrder(seal: seal, position: position, offset: offset, seen: seen)
            }
            let computed = seal.computeChainHash(previous: chain, data: bytes[dataStart..<dataEnd])
            guard computed == seal.chainHash else {
                return fail(.modified, frame: position, offset: offset,
                            "frame \(position) does not match its chain hash (its bytes were changed)")
            }
            guard seal.firstRecord == nextRecord else {
                return fail(.modified, frame: position, offset: offset,
                            "frame \(position) starts at record \(seal.firstRecord), expected \(nextRecord)")
            }
            let frame = JournalReader.Frame(
                position: position, offset: UInt64(offset), sealedIndex: seal.frameIndex, firstRecord: seal.firstRecord,
                recordCount: seal.recordCount, firstTime: seal.firstTime, lastTime: seal.lastTime,
                rawLength: seal.rawLength, compressedLength: seal.compressedLength, isFinal: seal.isFinal)
            let records: [Record]
            do {
                records = try JournalReader.decode(bytes, frame: frame, decompressor: decompressor)
            } catch {
                return fail(.malformed, frame: position, offset: offset, "frame \(position) is signed but unreadable: \(error.reason)")
            }
            if position == 0 {
                guard case .header? = records.first?.body else {
                    return fail(.malformed, frame: 0, offset: offset, "the first record is not a session header")
                }
            }
            if seal.isFinal {
                guard case .end? = records.last?.body else {
                    return fail(.malformed, frame: position, offset: offset, "the final frame does not end with an end record")
                }
                sawFinal = true
            }
            seen[seal.frameIndex] = seal.chainHash
            frameOffsets.append(.init(offset: UInt64(offset), firstRecord: seal.firstRecord, firstTime: seal.firstTime))
            chain = computed
            nextRecord += UInt64(seal.recordCount)
            position += 1
            offset = dataEnd
            report.intactFrames = position
            report.intactBytes = UInt64(offset)
            report.intactRecords = nextRecord
            report.intactUntil = seal.lastTime
            report.chainHead = Hex.encode(chain)
        }
    }

    private mutating func checkIndex(at offset: Int, key: [UInt8], frames: [SeekIndex.Entry], chain: [UInt8]) {
        switch SeekIndex.parse(bytes, at: offset, publicKey: key) {
        case .absent:
            break
        case let .invalid(reason):
            return fail(.modified, frame: nil, offset: offset, reason)
        case let .index(index, _):
            guard index.entries == frames, index.chainHead == chain else {
                return fail(.modified, frame: nil, offset: offset, "the seek index does not match the frames")
            }
        }
        report.intactBytes = UInt64(bytes.count)
        finish()
    }

    private mutating func finish() {
        report.complete = true
        if !report.signerTrusted {
            fail(.unknownSigner, frame: nil, offset: 0,
                 "intact, but signed by \(report.signerFingerprint ?? "?"), which is not a trusted signer (hrec verify --trust KEY.pub, or --any-signer)")
        }
    }

    /// A seal whose index is not its position: tell missing, reordered and duplicated apart.
    private mutating func classifyOrder(seal: FrameSeal, position: Int, offset: Int, seen: [UInt64: [UInt8]]) {
        let index = seal.frameIndex
        if let earlier = seen[index] {
            let same = earlier == seal.chainHash
            return fail(same ? .duplicated : .reordered, frame: position, offset: offset,
                        same ? "frame \(index) appears again at position \(position)"
                             : "frame \(index) appears again at position \(position) with different content")
        }
        if index < UInt64(position) {
            return fail(.reordered, frame: position, offset: offset, "frame \(index) appears at position \(position)")
        }
        let later = FrameScanner.sealedIndices(bytes, from: offset)
        if later.contains(UInt64(position)) {
            return fail(.reordered, frame: position, offset: offset,
                        "frame \(index) appears at position \(position); frame \(position) comes later")
        }
        let missing = index - 1 > UInt64(position) ? "frames \(position)...\(index - 1) are" : "frame \(position) is"
        fail(.missing, frame: position, offset: offset, "\(missing) missing (found frame \(index) at position \(position))")
    }
}

extension VerificationReport {
    static func empty(path: String) -> VerificationReport {
        VerificationReport(path: path, problem: nil, intactFrames: 0, intactBytes: 0, intactRecords: 0, intactUntil: 0,
                           chainHead: "", signerFingerprint: nil, signerTrusted: false, complete: false)
    }
}

extension FrameScanner {
    /// The sealed indices of the seals from `offset` on, following compressed lengths, stopping quietly at anything odd.
    static func sealedIndices(_ bytes: [UInt8], from offset: Int) -> [UInt64] {
        var indices: [UInt64] = []
        var offset = offset
        while case let .seal(seal) = FrameSeal.parse(bytes, at: offset) {
            indices.append(seal.frameIndex)
            offset += FrameSeal.frameSize + Int(seal.compressedLength)
        }
        return indices
    }
}
