/// A JSON value read strictly from bytes, for request bodies the gate checks: RFC 8259 grammar
/// (the validating `JSONByteReader`), no member name twice in one object (a client parser and the
/// upstream could keep different copies), nothing after the value, nesting bounded. Each object
/// remembers where its members' values sit in the bytes, so an edit (`JSONSplice`) changes those
/// bytes in place instead of re-serialising what the gate checked.
public indirect enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its text in the body.
    case number(String)
    case string(String)
    case array([JSONNode])
    case object(JSONObject)

    /// Parses `bytes` as one JSON value.
    /// - Throws: `MaskingError` naming the byte offset and what is wrong (malformed JSON, a
    ///   duplicate member name, trailing bytes, nesting deeper than 256 levels).
    public init(parsing bytes: [UInt8]) throws(MaskingError) {
        self = try bytes.withUnsafeBufferPointer { (input) throws(MaskingError) -> JSONNode in
            var reader = JSONByteReader(bytes: input)
            let node = try reader.readNode(depth: 0)
            reader.skipWhitespace()
            guard reader.position == input.count else { throw reader.error("unexpected bytes after the JSON value") }
            return node
        }
    }

    /// The member `key` of an object; nil for other values or when absent.
    public subscript(key: String) -> JSONNode? {
        if case let .object(object) = self { return object.members[key] }
        return nil
    }

    /// The object, if this is one.
    public var object: JSONObject? {
        if case let .object(object) = self { return object }
        return nil
    }

    /// The text, if this is a string.
    public var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// The value, if this is `true` or `false`.
    public var bool: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var array: [JSONNode]? {
        if case let .array(elements) = self { return elements }
        return nil
    }
}

/// A JSON object's members, with the byte range of each value in the parsed body.
public struct JSONObject: Sendable, Equatable {
    /// Members by name.
    public var members: [String: JSONNode]
    /// Where each member's value lies in the parsed bytes.
    public var valueRanges: [String: Range<Int>]
    /// The offset just after the object's `{`.
    public var contentStart: Int

    /// The member names.
    public var keys: Dictionary<String, JSONNode>.Keys { members.keys }

    /// The member `key`, nil when absent.
    public subscript(key: String) -> JSONNode? { members[key] }
}

extension JSONByteReader {
    /// Reads one value into a `JSONNode`, refusing duplicate member names.
    mutating func readNode(depth: Int) throws(MaskingError) -> JSONNode {
        skipWhitespace()
        guard let byte = peek else { throw error("unexpected end of JSON") }
        switch byte {
        case UInt8(ascii: "\""):
            let (range, escaped) = try readString()
            return .string(Self.decode(bytes, range: range, escaped: escaped))
        case UInt8(ascii: "{"):
            var object = JSONObject(members: [:], valueRanges: [:], contentStart: position + 1)
            try members(depth: depth) { (reader: inout JSONByteReader, key: Range<Int>, escaped: Bool) throws(MaskingError) in
                let name = Self.decode(reader.bytes, range: key, escaped: escaped)
                guard object.members[name] == nil else { throw reader.error("the member '\(name)' appears twice") }
                reader.skipWhitespace()
                let start = reader.position
                object.members[name] = try reader.readNode(depth: depth + 1)
                object.valueRanges[name] = start..<reader.position
            }
            return .object(object)
        case UInt8(ascii: "["):
            var result: [JSONNode] = []
            try elements(depth: depth) { (reader: inout JSONByteReader) throws(MaskingError) in result.append(try reader.readNode(depth: depth + 1)) }
            return .array(result)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            try validateScalar()
            return .bool(byte == UInt8(ascii: "t"))
        case UInt8(ascii: "n"):
            try validateScalar()
            return .null
        default:
            let start = position
            try validateScalar()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }
    }
}

extension JSONObject {
    /// `body` (the bytes this object was parsed from) with member `key` set to `value` (encoded
    /// JSON): its old value's bytes replaced, or the member inserted first in the object. Every
    /// other byte stays as the client sent it.
    public func setting(_ key: String, toEncoded value: [UInt8], in body: [UInt8]) -> [UInt8] {
        if let range = valueRanges[key] {
            var edited = body
            edited.replaceSubrange(range, with: value)
            return edited
        }
        var member = Array("\"\(key)\":".utf8) + value
        if !members.isEmpty { member.append(UInt8(ascii: ",")) }
        var edited = body
        edited.insert(contentsOf: member, at: contentStart)
        return edited
    }
}
