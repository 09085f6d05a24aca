//! Base45 (RFC 9285), strict: every invalid input is an error. (The
//! `base45` crate accepts some invalid strings such as "ZZ", which would
//! let two different QR texts decode to the same bytes.)

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

const INVALID: u8 = 0xFF;
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 45 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Base45Error {
    #[error("length {0} is not valid Base45 (a length of 3k+1 is impossible)")]
    Length(usize),
    #[error("character {ch:?} at position {position} is not in the Base45 alphabet")]
    Character { ch: char, position: usize },
    #[error("the group at position {position} encodes a value out of range")]
    Range { position: usize },
}

pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() / 2 * 3 + 2);
    for chunk in data.chunks(2) {
        let (mut n, digits) = match chunk {
            [a, b] => ((*a as u32) * 256 + *b as u32, 3),
            [a] => (*a as u32, 2),
            _ => unreachable!(),
        };
        for _ in 0..digits {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(Base45Error::Length(bytes.len()));
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for (group, chunk) in bytes.chunks(3).enumerate() {
        let mut values = [0u32; 3];
        for (i, b) in chunk.iter().enumerate() {
            let v = DECODE[*b as usize];
            if v == INVALID {
                let position = group * 3 + i;
                // Every byte before it was ASCII, so this is a char boundary.
                let ch = text
                    .get(position..)
                    .and_then(|t| t.chars().next())
                    .unwrap_or('\u{FFFD}');
                return Err(Base45Error::Character { ch, position });
            }
            values[i] = v as u32;
        }
        let position = group * 3;
        match chunk.len() {
            3 => {
                let n = values[0] + values[1] * 45 + values[2] * 45 * 45;
                if n > 0xFFFF {
                    return Err(Base45Error::Range { position });
                }
                out.push((n >> 8) as u8);
                out.push((n & 0xFF) as u8);
            }
            2 => {
                let n = values[0] + values[1] * 45;
                if n > 0xFF {
                    return Err(Base45Error::Range { position });
                }
                out.push(n as u8);
            }
            _ => return Err(Base45Error::Length(bytes.len())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_vectors() {
        for (plain, encoded) in [
            ("AB", "BB8"),
            ("Hello!!", "%69 VD92EX0"),
            ("base-45", "UJCLQE7W581"),
            ("ietf!", "QED8WEX0"),
            ("", ""),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn invalid_input_is_refused() {
        assert!(matches!(
            decode("GGW"),
            Err(Base45Error::Range { position: 0 })
        ));
        assert!(matches!(decode("ZZ"), Err(Base45Error::Range { .. })));
        assert!(matches!(decode("A"), Err(Base45Error::Length(1))));
        assert!(matches!(decode("BB8A"), Err(Base45Error::Length(4))));
        assert!(matches!(
            decode("bb8"),
            Err(Base45Error::Character {
                ch: 'b',
                position: 0
            })
        ));
        assert!(matches!(
            decode("B٨"),
            Err(Base45Error::Character {
                ch: '٨',
                position: 1
            })
        ));
        assert!(decode("BB٨").is_err());
        // The largest valid values decode.
        assert_eq!(decode(":::").is_err(), 44 + 44 * 45 + 44 * 2025 > 0xFFFF);
        assert_eq!(decode("FGW").unwrap(), vec![0xFF, 0xFF]);
        assert_eq!(decode("U5").unwrap(), vec![0xFF]);
    }

    /// Errors name where they are, also past the first group (the place a
    /// reader of a damaged seal looks at).
    #[test]
    fn errors_say_where() {
        assert_eq!(
            decode("BB8BB8BBb"),
            Err(Base45Error::Character {
                ch: 'b',
                position: 8
            })
        );
        assert_eq!(
            decode("BB8BB8:::BB8"),
            Err(Base45Error::Range { position: 6 })
        );
        assert_eq!(decode("BB8BB8ZZ"), Err(Base45Error::Range { position: 6 }));
        assert_eq!(decode("BB8BB8B"), Err(Base45Error::Length(7)));
    }

    #[test]
    fn round_trips_every_byte_pair_edge() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in [0, 1, 2, 3, 511, 512] {
            assert_eq!(decode(&encode(&data[..len])).unwrap(), &data[..len]);
        }
    }
}
