/// MD5 (RFC 1321), fed in pieces, for HTTP_GET/SSL_GET's `digest`: keepalived compares the MD5
/// of the body, written as 32 lower-case hex digits. Not for anything that needs a secure hash.
public struct MD5: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    /// Bytes that do not fill a 64-byte block yet.
    private var pending: [UInt8] = []
    private var totalLength: UInt64 = 0

    public init() {
        pending.reserveCapacity(Self.blockSize)
    }

    /// The digest of `bytes` in one call.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finish()
    }

    /// The digest of `bytes` as keepalived writes it: 32 lower-case hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        hex(digest(bytes))
    }

    /// Lower-case hex, two digits a byte.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Takes bytes straight from a buffer, so a body can be hashed as it arrives without a copy.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(Self.blockSize - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            guard pending.count == Self.blockSize else { return }
            let block = pending
            block.withUnsafeBytes { compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= Self.blockSize {
            compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Self.blockSize]))
            offset += Self.blockSize
        }
        if offset < bytes.count {
            pending.append(contentsOf: bytes[offset...])
        }
    }

    /// The 16-byte digest of everything given so far; the value itself is left as it was.
    public func finish() -> [UInt8] {
        var copy = self
        let bitLength = totalLength &* 8
        // Padding: one 1 bit, zeros up to 56 bytes into a block, then the length in bits.
        var padding: [UInt8] = [0x80]
        let afterMarker = (pending.count + 1) % Self.blockSize
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 56 + Self.blockSize - afterMarker
        padding.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 0, to: 64, by: 8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        copy.update(padding)
        var digest: [UInt8] = []
        digest.reserveCapacity(16)
        for word in [copy.state.0, copy.state.1, copy.state.2, copy.state.3] {
            for shift in stride(from: 0, to: 32, by: 8) {
                digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
            }
        }
        return digest
    }

    private static let blockSize = 64

    /// Per-step additive constants: the integer part of 2^32 × |sin(i + 1)|.
    private static let sineTable: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    /// Left-rotation amounts, four per round.
    private static let rotations: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// One 64-byte block into the state.
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        var (a, b, c, d) = state
        for step in 0..<64 {
            let round = step / 16
            var mixed: UInt32
            let wordIndex: Int
            switch round {
            case 0:
                mixed = (b & c) | (~b & d)
                wordIndex = step
            case 1:
                mixed = (d & b) | (~d & c)
                wordIndex = (5 &* step &+ 1) % 16
            case 2:
                mixed = b ^ c ^ d
                wordIndex = (3 &* step &+ 5) % 16
            default:
                mixed = c ^ (b | ~d)
                wordIndex = (7 &* step) % 16
            }
            let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: wordIndex * 4, as: UInt32.self))
            mixed = mixed &+ a &+ Self.sineTable[step] &+ word
            let amount = Self.rotations[round * 4 + step % 4]
            a = d
            d = c
            c = b
            b = b &+ ((mixed << amount) | (mixed >> (32 - amount)))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
