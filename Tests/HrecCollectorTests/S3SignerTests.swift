import HrecCollector
import Testing

/// Signature V4 against the test vectors AWS documents.
@Suite struct S3SignerTests {
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The S3 "GET Object" example (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
    @Test func s3GetObjectExample() {
        let signer = S3Signer(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let value = signer.authorization(
            method: "GET", path: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                      ("x-amz-content-sha256", Self.emptyHash), ("x-amz-date", "20130524T000000Z")],
            payloadHash: Self.emptyHash, amzDate: "20130524T000000Z")
        #expect(value == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// `get-vanilla` of the AWS Signature V4 test suite.
    @Test func getVanilla() {
        let signer = S3Signer(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1",
                              service: "service")
        let value = signer.authorization(method: "GET", path: "/", query: [],
                                         headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
                                         payloadHash: Self.emptyHash, amzDate: "20150830T123600Z")
        #expect(value.hasSuffix("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
        #expect(value.contains("SignedHeaders=host;x-amz-date,"))
    }

    @Test(arguments: [
        ("journals/ab/frames/0000000000000001", true, "journals/ab/frames/0000000000000001"),
        ("a b+c=d", false, "a%20b%2Bc%3Dd"),
        ("x/y~z_", false, "x%2Fy~z_"),
    ])
    func uriEncoding(input: String, keepSlash: Bool, expected: String) {
        #expect(S3Signer.encode(input, keepSlash: keepSlash) == expected)
    }
}
