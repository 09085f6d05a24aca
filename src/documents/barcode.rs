//! Code 128 (ISO/IEC 15417) for the tracking code on envelope labels: the
//! 1D barcode S10 labels carry, which a postal scanner reads where a QR
//! reader is not at hand. Code sets B (printable ASCII) and C (pairs of
//! digits), switched as the standard's Annex E advises so a tracking code
//! such as `RR123456785SY` takes 11 data symbols rather than 13 (set A,
//! control characters, is never needed for text people type).
//!
//! Written here rather than taken from a crate: it is a table and a page of
//! rules, and the label only needs the bars; `pdftoppm` and `zbarimg` check
//! the printed result in the tests.

/// The blank space a reader needs on each side of the bars, in modules:
/// the standard's minimum.
pub const QUIET_ZONE: usize = 10;

const CODE_C: u8 = 99;
const CODE_B: u8 = 100;
const START_B: u8 = 104;
const START_C: u8 = 105;
const STOP: u8 = 106;

/// The width of each bar and space of every symbol, in modules, bar
/// first: value 0 to 102 (data and the code set switches), the three
/// start codes (103 to 105) and the stop (106, with its final bar).
const PATTERNS: [&[u8]; 107] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312",
    b"132212", b"221213", b"221312", b"231212", b"112232", b"122132", b"122231", b"113222",
    b"123122", b"123221", b"223211", b"221132", b"221231", b"213212", b"223112", b"312131",
    b"311222", b"321122", b"321221", b"312212", b"322112", b"322211", b"212123", b"212321",
    b"232121", b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313",
    b"231113", b"231311", b"112133", b"112331", b"132131", b"113123", b"113321", b"133121",
    b"313121", b"211331", b"231131", b"213113", b"213311", b"213131", b"311123", b"311321",
    b"331121", b"312113", b"312311", b"332111", b"314111", b"221411", b"431111", b"111224",
    b"111422", b"121124", b"121421", b"141122", b"141221", b"112214", b"112412", b"122114",
    b"122411", b"142112", b"142211", b"241211", b"221114", b"413111", b"241112", b"134111",
    b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112",
    b"421211", b"212141", b"214121", b"412121", b"111143", b"111341", b"131141", b"114113",
    b"114311", b"411113", b"411311", b"113141", b"114131", b"311141", b"411131", b"211412",
    b"211214", b"211232", b"2331112",
];

/// Why a text cannot be a Code 128 symbol here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("a barcode needs at least one character")]
    Empty,
    #[error("Code 128 set B has no {0:?} (printable ASCII only)")]
    Unencodable(char),
}

/// One Code 128 symbol: its symbol values, from the start code to the
/// stop, the checksum before the stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code128 {
    values: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    B,
    C,
}

impl Code128 {
    /// Encodes printable ASCII (space to `~`).
    pub fn encode(data: &str) -> Result<Code128, BarcodeError> {
        if let Some(c) = data.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(BarcodeError::Unencodable(c));
        }
        let bytes = data.as_bytes();
        if bytes.is_empty() {
            return Err(BarcodeError::Empty);
        }
        let mut values = Vec::with_capacity(bytes.len() + 4);
        let mut set = if starts_in_c(bytes) {
            values.push(START_C);
            Set::C
        } else {
            values.push(START_B);
            Set::B
        };
        let mut i = 0;
        while i < bytes.len() {
            if set == Set::C {
                if digits_from(bytes, i) >= 2 {
                    values.push((bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0'));
                    i += 2;
                    continue;
                }
                values.push(CODE_B);
                set = Set::B;
            }
            if worth_set_c(bytes, i) {
                // An odd run gives its first digit to set B, so set C
                // takes whole pairs.
                if !digits_from(bytes, i).is_multiple_of(2) {
                    values.push(bytes[i] - b' ');
                    i += 1;
                }
                values.push(CODE_C);
                set = Set::C;
                continue;
            }
            values.push(bytes[i] - b' ');
            i += 1;
        }
        values.push(checksum(&values));
        values.push(STOP);
        Ok(Code128 { values })
    }

    /// The symbol values: start code, data and code set switches, the
    /// checksum, and the stop.
    pub fn values(&self) -> &[u8] {
        &self.values
    }

    /// The symbol's width in modules, quiet zones included.
    pub fn width(&self) -> usize {
        self.modules().len()
    }

    /// Every module from the left quiet zone to the right one, dark or
    /// light.
    pub fn modules(&self) -> Vec<bool> {
        let mut out = vec![false; QUIET_ZONE];
        for &v in &self.values {
            for (k, w) in PATTERNS[usize::from(v)].iter().enumerate() {
                let dark = k % 2 == 0;
                out.extend(std::iter::repeat_n(dark, usize::from(w - b'0')));
            }
        }
        out.extend(std::iter::repeat_n(false, QUIET_ZONE));
        out
    }

    /// The bars to draw: where each starts (in modules from the left edge
    /// of the quiet zone) and how many modules wide it is.
    pub fn bars(&self) -> Vec<(usize, usize)> {
        let mut bars: Vec<(usize, usize)> = Vec::new();
        for (i, dark) in self.modules().into_iter().enumerate() {
            match bars.last_mut() {
                Some((start, width)) if dark && *start + *width == i => *width += 1,
                _ if dark => bars.push((i, 1)),
                _ => {}
            }
        }
        bars
    }
}

/// How many ASCII digits follow from `i` on.
fn digits_from(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Annex E, rule 1: start in set C when the data opens with four or more
/// digits in pairs, or is two digits alone (an odd run opens in set B; see
/// `worth_set_c`).
fn starts_in_c(bytes: &[u8]) -> bool {
    let run = digits_from(bytes, 0);
    run.is_multiple_of(2) && (run >= 4 || (run == 2 && bytes.len() == 2))
}

/// Whether switching to set C at `i` saves symbols: a switch costs one
/// symbol and each pair saves one, and coming back to set B costs another,
/// so a run of digits at the start or the end is worth it from four, one
/// in the middle from six.
fn worth_set_c(bytes: &[u8], i: usize) -> bool {
    let run = digits_from(bytes, i);
    let at_edge = i == 0 || i + run == bytes.len();
    run >= 6 || (run >= 4 && at_edge)
}

/// The symbol check character: the start code plus each following value
/// times its position, modulo 103.
fn checksum(values: &[u8]) -> u8 {
    let sum = values
        .iter()
        .enumerate()
        .map(|(i, &v)| u32::from(v) * (i as u32).max(1))
        .sum::<u32>();
    (sum % 103) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modules of one symbol value, as "1" for a bar and "0" for a
    /// space, written out from the standard's table.
    fn bits(modules: &[bool]) -> String {
        modules.iter().map(|&d| if d { '1' } else { '0' }).collect()
    }

    #[test]
    fn every_pattern_is_eleven_modules_of_three_bars_with_even_bar_modules() {
        // What the standard says of its table: each symbol is 11 modules,
        // three bars and three spaces of 1 to 4 modules, bars summing to an
        // even number (the parity a reader checks); the stop is 13 modules
        // with four bars. And no two values share a pattern.
        for (v, p) in PATTERNS.iter().enumerate() {
            let widths: Vec<u32> = p.iter().map(|b| u32::from(b - b'0')).collect();
            assert!(widths.iter().all(|w| (1..=4).contains(w)), "{v}");
            let bars: u32 = widths.iter().step_by(2).sum();
            if v == usize::from(STOP) {
                assert_eq!((widths.len(), widths.iter().sum::<u32>()), (7, 13));
            } else {
                assert_eq!((widths.len(), widths.iter().sum::<u32>()), (6, 11), "{v}");
                assert_eq!(bars % 2, 0, "value {v}: odd bar modules");
            }
        }
        let mut unique = PATTERNS.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), PATTERNS.len());
    }

    #[test]
    fn a_tracking_code_is_set_b_then_set_c_for_its_digits() {
        let code = Code128::encode("RR123456785SY").unwrap();
        // By hand, from the standard: Start B (104); "R" is ASCII 82, set B
        // value 82 − 32 = 50, twice; nine digits in the middle, an odd run of
        // six or more, so "1" in set B (49 − 32 = 17), Code C (99), the
        // pairs 23, 45, 67, 85; Code B (100) for the letters, "S" 83 − 32 =
        // 51, "Y" 89 − 32 = 57.
        let data = [104u8, 50, 50, 17, 99, 23, 45, 67, 85, 100, 51, 57];
        // The check: the start value plus each value times its position.
        let weighted: u32 = 104
            + data[1..]
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as u32 + 1) * u32::from(v))
                .sum::<u32>();
        assert_eq!(weighted, 4272);
        assert_eq!(weighted % 103, 49);
        let mut expected = data.to_vec();
        expected.extend([49, 106]);
        assert_eq!(code.values(), expected.as_slice());
        // 14 symbols of 11 modules, the stop's 13, a quiet zone each side.
        assert_eq!(code.width(), 10 + 13 * 11 + 13 + 10);
        let modules = code.modules();
        // Start B and the stop as the standard draws them.
        assert_eq!(bits(&modules[10..21]), "11010010000");
        assert_eq!(
            bits(&modules[modules.len() - 23..]),
            "1100011101011".to_owned() + &"0".repeat(10)
        );
        assert!(
            modules[..10]
                .iter()
                .chain(&modules[modules.len() - 10..])
                .all(|d| !d)
        );
    }

    #[test]
    fn sets_follow_the_runs_of_digits() {
        let values = |s: &str| Code128::encode(s).unwrap().values().to_vec();
        // Letters only: set B throughout. "Ab-1": 33, 66, 13, 17; check
        // (104 + 33 + 2·66 + 3·13 + 4·17) mod 103 = 376 mod 103 = 67.
        assert_eq!(values("Ab-1"), [104, 33, 66, 13, 17, 67, 106]);
        // Six digits: Start C and three pairs; (105 + 12 + 2·34 + 3·56) mod
        // 103 = 353 mod 103 = 44.
        assert_eq!(values("123456"), [105, 12, 34, 56, 44, 106]);
        // Two digits alone: set C. Three digits: set B (C saves nothing).
        assert_eq!(values("42")[..2], [105, 42]);
        assert_eq!(values("123")[..4], [104, 17, 18, 19]);
        // Four digits at the end are worth a switch; four in the middle
        // are not.
        assert_eq!(values("AB1234")[..6], [104, 33, 34, 99, 12, 34]);
        assert_eq!(values("AB1234CD")[..7], [104, 33, 34, 17, 18, 19, 20]);
        // Five at the start: the first in set B, then pairs.
        assert_eq!(values("12345X")[..6], [104, 17, 99, 23, 45, 100]);
    }

    #[test]
    fn only_printable_ascii_is_encoded() {
        assert_eq!(Code128::encode(""), Err(BarcodeError::Empty));
        assert_eq!(
            Code128::encode("RR١٢SY"),
            Err(BarcodeError::Unencodable('١'))
        );
        assert_eq!(
            Code128::encode("A\tB"),
            Err(BarcodeError::Unencodable('\t'))
        );
        assert!(Code128::encode(" ~").is_ok());
    }

    /// A reader of our own, from the table back to the text: every value
    /// found by its pattern, sets switched, and the check verified.
    fn read(modules: &[bool]) -> Option<String> {
        let inner = &modules[QUIET_ZONE..modules.len() - QUIET_ZONE];
        let widths = |modules: &[bool]| -> Vec<u8> {
            modules
                .chunk_by(|a, b| a == b)
                .map(|run| b'0' + run.len() as u8)
                .collect()
        };
        let (symbols, stop) = inner.split_at(inner.len().checked_sub(13)?);
        if widths(stop) != PATTERNS[usize::from(STOP)] {
            return None;
        }
        let mut values = Vec::new();
        for chunk in symbols.chunks(11) {
            let v = PATTERNS
                .iter()
                .position(|p| *p == widths(chunk).as_slice())?;
            values.push(v as u8);
        }
        let check = values.pop()?;
        if checksum(&values) != check {
            return None;
        }
        let mut set = if values[0] == START_C { Set::C } else { Set::B };
        let mut text = String::new();
        for &v in &values[1..] {
            match (set, v) {
                (Set::B, CODE_C) => set = Set::C,
                (Set::C, CODE_B) => set = Set::B,
                (Set::B, v) => text.push(char::from(v + b' ')),
                (Set::C, v) => text.push_str(&format!("{v:02}")),
            }
        }
        Some(text)
    }

    #[test]
    fn what_is_encoded_reads_back() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let alphabet = b"0123456789ABCRSYZ -/";
        for _ in 0..2000 {
            let len = 1 + next() % 20;
            let text: String = (0..len)
                .map(|_| char::from(alphabet[next() % alphabet.len()]))
                .collect();
            let code = Code128::encode(&text).unwrap();
            assert_eq!(read(&code.modules()).as_deref(), Some(text.as_str()));
            // Bars tile the dark modules exactly.
            let dark = code.modules().iter().filter(|d| **d).count();
            assert_eq!(code.bars().iter().map(|b| b.1).sum::<usize>(), dark);
        }
    }
}
