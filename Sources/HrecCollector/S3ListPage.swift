/// One page of a ListObjectsV2 answer: the keys and the continuation token, read from its XML.
/// The collector's own keys are plain (hex, digits, `/`), so a small reader of the few elements
/// it needs is enough.
struct S3ListPage {
    var keys: [String]
    /// `NextContinuationToken`, when `IsTruncated` is true.
    var next: String?

    init(xml: String) {
        keys = Self.elements("Key", in: xml).map(Self.unescape)
        next = Self.element("IsTruncated", in: xml) == "true" ? Self.element("NextContinuationToken", in: xml).map(Self.unescape) : nil
    }

    /// The text of the first `<name>` element.
    static func element(_ name: String, in xml: String) -> String? {
        elements(name, in: xml).first
    }

    static func elements(_ name: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest[open.upperBound...].range(of: "</\(name)>") {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
