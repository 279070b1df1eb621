import Testing
import VigilCheck

@Suite("MD5 for HTTP digests")
struct MD5Tests {
    /// The test suite of RFC 1321, appendix A.5.
    static let rfc1321Vectors: [(input: String, digest: String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ]

    @Test("RFC 1321 test suite", arguments: rfc1321Vectors)
    func rfc1321(vector: (input: String, digest: String)) {
        #expect(MD5.hexDigest(Array(vector.input.utf8)) == vector.digest)
    }

    /// Lengths around the 56-byte padding boundary and the 64-byte block, where padding bugs hide.
    /// Expected values from Python's hashlib.md5(b"a" * n).
    @Test(
        "padding boundaries",
        arguments: [
            (55, "ef1772b6dff9a122358552954ad0df65"),
            (56, "3b0c8ac703f828b04c6c197006d17218"),
            (57, "652b906d60af96844ebd21b674f35e93"),
            (63, "b06521f39153d618550606be297466d5"),
            (64, "014842d480b571495a4a0363793f7367"),
            (65, "c743a45e0d2e6a95cb859adae0248435"),
            (119, "8a7bd0732ed6a28ce75f6dabc90e1613"),
            (120, "5f61c0ccad4cac44c75ff505e1f1e537"),
            (128, "e510683b3f5ffe4093d021808bc6ff70"),
        ])
    func paddingBoundaries(length: Int, digest: String) {
        #expect(MD5.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: length)) == digest)
    }

    @Test("fed in uneven pieces equals fed at once")
    func piecewise() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = MD5.digest(message)
        for pieceLength in [1, 3, 63, 64, 65, 200] {
            var md5 = MD5()
            var start = 0
            while start < message.count {
                let end = min(start + pieceLength, message.count)
                md5.update(Array(message[start..<end]))
                start = end
            }
            #expect(md5.finish() == whole, "pieces of \(pieceLength)")
        }
    }

    @Test("finish leaves the running state usable")
    func finishIsRepeatable() {
        var md5 = MD5()
        md5.update(Array("message ".utf8))
        #expect(MD5.hex(md5.finish()) == MD5.hexDigest(Array("message ".utf8)))
        md5.update(Array("digest".utf8))
        #expect(MD5.hex(md5.finish()) == "f96b697d7cb7938d525a2f31aaf161d0")
    }

    @Test("a million a's (the long vector used by FIPS-style suites)")
    func millionA() {
        var md5 = MD5()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { md5.update(chunk) }
        #expect(MD5.hex(md5.finish()) == "7707d6ae4e027c70eea2a935c2296f21")
    }
}
