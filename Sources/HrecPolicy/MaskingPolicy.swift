/// How masked values are rewritten. Names are the policy file's spelling.
public enum MaskingStyle: String, Sendable, Equatable, CaseIterable {
    /// Hex SHA-256 of the value (BigQuery's SHA256 masking rule).
    case sha256
    /// Always NULL.
    case null = "always_null"
    /// The type's default: "" for strings, 0 for numbers, false, 1970-01-01, ...
    case defaultValue = "default_value"
    /// Keep the last four characters, the rest `X`.
    case lastFour = "last_four"
    /// Keep the first four characters, the rest `X`.
    case firstFour = "first_four"
    /// `XXXXX@example.com`: the local part hidden, the domain kept.
    case emailMask = "email_mask"
    /// Dates and timestamps truncated to January 1 of their year.
    case dateYear = "date_year"
    /// `[REDACTED:<label>]` (the detector or column type as label).
    case redact
    /// `tok_` + HMAC-SHA256 under the installation key: deterministic, joinable, not reversible by a dictionary.
    case hmacToken = "hmac_token"
}

/// Content detectors run over string values of any column.
public enum Detector: String, Sendable, Equatable, CaseIterable {
    case email
    /// 13-19 digits (spaces or dashes allowed) passing the Luhn check.
    case creditCard = "credit_card"
    /// US social security numbers `AAA-GG-SSSS` with valid ranges.
    case usSSN = "us_ssn"
    /// Phone numbers: `+` and 8-15 digits, or (NNN) NNN-NNNN forms.
    case phone
    /// IBANs with a valid mod-97 checksum.
    case iban
}

/// The masking section of a policy.
public struct MaskingPolicy: Sendable, Equatable {
    /// Masks a column selected by table and column globs (either may be omitted).
    public struct ColumnRule: Sendable, Equatable {
        /// Glob over `project.dataset.table`; nil for any table.
        public var table: String?
        /// Glob over the column name, or its dotted path for nested fields (`address.city`).
        public var column: String
        public var style: MaskingStyle

        public init(table: String?, column: String, style: MaskingStyle) {
            self.table = table
            self.column = column
            self.style = style
        }
    }

    public struct DetectorRule: Sendable, Equatable {
        public var detector: Detector
        public var style: MaskingStyle

        public init(detector: Detector, style: MaskingStyle) {
            self.detector = detector
            self.style = style
        }
    }

    public var columns: [ColumnRule] = []
    public var detectors: [DetectorRule] = []
    /// The HMAC installation key file (for `hmac_token`).
    public var keyFile: String?

    public init(columns: [ColumnRule] = [], detectors: [DetectorRule] = [], keyFile: String? = nil) {
        self.columns = columns
        self.detectors = detectors
        self.keyFile = keyFile
    }

    public var isEmpty: Bool { columns.isEmpty && detectors.isEmpty }
}
