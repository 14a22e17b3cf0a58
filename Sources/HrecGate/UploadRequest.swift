import Foundation

/// A media upload (`POST /upload/bigquery/v2/projects/{p}/jobs?uploadType=multipart`, as
/// `load_table_from_file`, `load_table_from_dataframe`, pandas-gbq and dbt seeds send it): its
/// first MIME part is the load job's metadata, decided like a jobs.insert load job
/// (`JobRequest`); the data parts follow. The boundary is the one the Content-Type header names,
/// as the upstream reads it (a body's own first line could name another).
public enum UploadRequest {
    /// The JSON metadata of a multipart upload, or the body that starts a resumable upload
    /// (the metadata alone; the data follows in PUTs to the session URL, which the gate hands out
    /// as its own: `ResumableUploads`).
    /// - Throws: `BigQueryError.accessDenied` when the upload is neither a multipart upload whose
    ///   first part can be read nor the start of a resumable upload.
    public static func metadata(body: [UInt8], contentType: String?, uploadType: String?) throws(BigQueryError) -> [UInt8] {
        if uploadType == "resumable" { return body }
        guard uploadType == "multipart" else {
            throw .accessDenied("uploadType \(uploadType ?? "(none)") is not supported through the gate; "
                                + "use multipart or resumable, or load from Cloud Storage")
        }
        guard let contentType, contentType.lowercased().hasPrefix("multipart/related"),
              let boundary = boundary(contentType), !boundary.isEmpty else {
            throw .accessDenied("a multipart upload needs a multipart/related Content-Type with a boundary")
        }
        let delimiter = Array("--\(boundary)".utf8)
        // The first delimiter opens the body or a line (a preamble before it is ignored, as MIME says).
        guard let first = body.starts(with: delimiter) ? 0 : find(Array("\r\n".utf8) + delimiter, in: body, from: 0).map({ $0 + 2 }) else {
            throw .accessDenied("the upload body does not hold its boundary")
        }
        guard let headersEnd = find(Array("\r\n\r\n".utf8), in: body, from: first + delimiter.count),
              let partEnd = find(Array("\r\n".utf8) + delimiter, in: body, from: headersEnd + 4) else {
            throw .accessDenied("the upload's metadata part cannot be read")
        }
        let headers = String(decoding: body[(first + delimiter.count)..<headersEnd], as: UTF8.self).lowercased()
        guard headers.contains("application/json") else {
            throw .accessDenied("the upload's first part is not JSON job metadata")
        }
        return Array(body[(headersEnd + 4)..<partEnd])
    }

    /// The `boundary` parameter of a Content-Type (quoted or not).
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1]
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
