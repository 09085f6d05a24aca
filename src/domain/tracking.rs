//! Tracking codes printed on envelopes, in the UPU S10 shape the post
//! already scans: two letters, eight digits, a check digit, the country
//! code (`RR123456785SY`). The check digit catches a mistyped code.

const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

fn check_digit(serial: &[u8; 8]) -> u8 {
    let sum: u32 = serial
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (*d - b'0') as u32 * w)
        .sum();
    match 11 - (sum % 11) {
        10 => 0,
        11 => 5,
        c => c as u8,
    }
}

/// The tracking code for an 8-digit serial (`serial < 100_000_000`).
pub fn tracking_code(serial: u32) -> String {
    let digits = format!("{:08}", serial % 100_000_000);
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(digits.as_bytes());
    format!("RR{digits}{}SY", check_digit(&bytes))
}

/// Upper-cases and checks a typed or scanned code.
pub fn normalise_tracking_code(input: &str) -> Option<String> {
    let code: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = code.as_bytes();
    if b.len() != 13
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[11..].iter().all(u8::is_ascii_uppercase)
    {
        return None;
    }
    if !b[2..11].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut serial = [0u8; 8];
    serial.copy_from_slice(&b[2..10]);
    (check_digit(&serial) == b[10] - b'0').then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upu_example_check_digit() {
        // Serial 47312482: 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 200 mod 11 = 2;
        // 11 - 2 = 9 (the UPU S10 worked example).
        assert_eq!(tracking_code(47_312_482), "RR473124829SY");
    }

    #[test]
    fn codes_validate_and_typos_are_caught() {
        for serial in [0, 1, 10_000_000, 99_999_999, 12_345_678] {
            let code = tracking_code(serial);
            assert_eq!(
                normalise_tracking_code(&code.to_lowercase()).as_deref(),
                Some(code.as_str())
            );
        }
        let code = tracking_code(12_345_678);
        let mut typo = code.clone().into_bytes();
        typo[5] = if typo[5] == b'9' { b'8' } else { typo[5] + 1 };
        assert_eq!(
            normalise_tracking_code(std::str::from_utf8(&typo).unwrap()),
            None
        );
        assert_eq!(normalise_tracking_code("RR12345SY"), None);
        // The service letters and the country code are letters.
        let good = tracking_code(12_345_678);
        for bad in [
            format!("{}S1", &good[..11]),
            format!("1{}", &good[1..]),
            format!("{}55", &good[..11]),
        ] {
            assert_eq!(normalise_tracking_code(&bad), None, "{bad}");
        }
        assert_eq!(
            normalise_tracking_code(&format!(" {} ", &good)).as_deref(),
            Some(good.as_str())
        );
    }

    /// Every serial's check digit against the rule written out: the
    /// weighted sum of the digits, 11 minus it modulo 11, 10 → 0, 11 → 5.
    /// (Counting a digit from its character code rather than its value
    /// would give the same digit: the weights sum to 44, a multiple of 11.)
    #[test]
    fn check_digits_follow_the_rule() {
        for serial in (0..100_000_000u32).step_by(999_983) {
            let digits: Vec<u32> = format!("{serial:08}")
                .chars()
                .map(|c| c.to_digit(10).unwrap())
                .collect();
            let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
            let want = match 11 - sum % 11 {
                10 => 0,
                11 => 5,
                c => c,
            };
            let code = tracking_code(serial);
            assert_eq!(code[10..11], want.to_string(), "{code}");
        }
    }
}
