import CVterm

/// Maps recorded colours (16, 256 or 24-bit) to what the viewing terminal supports.
public struct ColorMapping: Sendable {
    /// Colours the viewing terminal has: 0 (none), 8, 16, 256 or more.
    public let available: Int

    public init(available: Int) { self.available = available }

    /// The terminal colour index for a recorded colour code (`HREC_COLOR_DEFAULT`, an index, or
    /// `HREC_COLOR_RGB | 0xRRGGBB`); -1 is the terminal's default.
    public func index(_ code: Int32) -> Int32 {
        guard code != HREC_COLOR_DEFAULT, available >= 8 else { return -1 }
        let isRGB = code & HREC_COLOR_RGB != 0
        let value = code & 0xFF_FFFF
        if !isRGB, value < available { return value }
        let rgb = isRGB ? (Int(value >> 16), Int(value >> 8 & 0xFF), Int(value & 0xFF)) : Self.rgb(ofIndex: Int(value))
        if available >= 256 { return Int32(Self.nearest256(rgb)) }
        return Int32(Self.nearest(rgb, among: available >= 16 ? 16 : 8))
    }

    /// The xterm palette colour of index 0-255.
    static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        switch index {
        case 0..<16: return basic[index]
        case 16..<232:
            let cube = index - 16
            return (level(cube / 36), level(cube / 6 % 6), level(cube % 6))
        default:
            let grey = 8 + (index - 232) * 10
            return (grey, grey, grey)
        }
    }

    /// The nearest xterm-256 colour (cube or grey ramp), as xterm computes it.
    static func nearest256(_ rgb: (Int, Int, Int)) -> Int {
        func cubeStep(_ value: Int) -> Int { value < 48 ? 0 : value < 115 ? 1 : (value - 35) / 40 }
        let (r, g, b) = (cubeStep(rgb.0), cubeStep(rgb.1), cubeStep(rgb.2))
        let cubeIndex = 16 + 36 * r + 6 * g + b
        let average = (rgb.0 + rgb.1 + rgb.2) / 3
        let greyIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
        let grey = 8 + greyIndex * 10
        let cubeDistance = distance(rgb, (level(r), level(g), level(b)))
        return distance(rgb, (grey, grey, grey)) < cubeDistance ? 232 + greyIndex : cubeIndex
    }

    static func nearest(_ rgb: (Int, Int, Int), among count: Int) -> Int {
        (0..<count).min { distance(rgb, basic[$0]) < distance(rgb, basic[$1]) } ?? 7
    }

    private static func level(_ step: Int) -> Int { step == 0 ? 0 : 55 + step * 40 }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// xterm's 16 basic colours.
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
}
