//! The Syrian national number: 11 digits, typed with Latin, Arabic-Indic or
//! Persian digits, often with spaces or dashes, sometimes pasted with bidi
//! marks. No check digit is publicly documented, so none is invented, and
//! nothing is derived from the digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::Message;

pub const NATIONAL_ID_DIGITS: usize = 11;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("the national ID is empty")]
    Empty,
    #[error("the national ID contains {ch:?} at position {position}; only digits are allowed")]
    InvalidCharacter { ch: char, position: usize },
    #[error("the national ID has {digits} digits; it must have exactly 11")]
    WrongLength { digits: usize },
}

impl NationalIdError {
    pub fn message(&self) -> Message {
        match self {
            NationalIdError::Empty => Message::new("err-national-id-empty"),
            NationalIdError::InvalidCharacter { ch, position } => {
                Message::new("err-national-id-char")
                    .arg("char", ch)
                    .arg("position", position)
            }
            NationalIdError::WrongLength { digits } => {
                Message::new("err-national-id-length").arg("count", digits)
            }
        }
    }
}

/// Maps any decimal digit a Syrian keyboard or scanner may produce to ASCII.
pub fn ascii_digit(ch: char) -> Option<char> {
    let value = match ch {
        '0'..='9' => ch as u32 - '0' as u32,
        '\u{0660}'..='\u{0669}' => ch as u32 - 0x0660, // Arabic-Indic
        '\u{06F0}'..='\u{06F9}' => ch as u32 - 0x06F0, // Persian (Extended Arabic-Indic)
        _ => return None,
    };
    char::from_digit(value, 10)
}

/// Characters people type between digit groups, or that come with a paste.
fn is_separator(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '-' | '\u{2010}'..='\u{2015}' // hyphens and dashes
                | '\u{200E}' | '\u{200F}' | '\u{061C}' // LRM, RLM, ALM
                | '\u{2066}'..='\u{2069}' // bidi isolates
                | '\u{202A}'..='\u{202E}' // bidi embeddings
        )
}

impl NationalId {
    pub fn parse(input: &str) -> Result<Self, NationalIdError> {
        let mut digits = String::with_capacity(NATIONAL_ID_DIGITS);
        for (index, ch) in input.chars().enumerate() {
            if let Some(d) = ascii_digit(ch) {
                digits.push(d);
            } else if !is_separator(ch) {
                return Err(NationalIdError::InvalidCharacter {
                    ch,
                    position: index + 1,
                });
            }
        }
        match digits.len() {
            0 => Err(NationalIdError::Empty),
            NATIONAL_ID_DIGITS => Ok(NationalId(digits)),
            n => Err(NationalIdError::WrongLength { digits: n }),
        }
    }

    /// The canonical form: 11 ASCII digits, leading zeros kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `input` looks like someone meant a national ID (only digits and
    /// separators), as opposed to a request id or tracking code.
    pub fn looks_like(input: &str) -> bool {
        let mut any = false;
        for ch in input.chars() {
            if ascii_digit(ch).is_some() {
                any = true;
            } else if !is_separator(ch) {
                return false;
            }
        }
        any
    }
}

impl FromStr for NationalId {
    type Err = NationalIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NationalId::parse(s)
    }
}

impl TryFrom<String> for NationalId {
    type Error = NationalIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        NationalId::parse(&value)
    }
}

impl From<NationalId> for String {
    fn from(id: NationalId) -> String {
        id.0
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_its_eleven_digits() {
        let id = NationalId::parse("٠١٠١٠٠٠٠٤٢٨").unwrap();
        assert_eq!(id.to_string(), "01010000428");
        assert_eq!(format!("{id:?}"), "NationalId(01010000428)");
    }

    #[test]
    fn accepts_latin_arabic_indic_and_persian_digits() {
        let expected = "01234567890";
        for input in [
            "01234567890",
            "٠١٢٣٤٥٦٧٨٩٠",
            "۰۱۲۳۴۵۶۷۸۹۰",
            "01 23 4567890",
            "01-23-4567890",
            "\u{200F}٠١-٢٣-٤٥٦٧٨٩٠\u{200F}",
            "٠1٢3٤5٦7٨9٠",
        ] {
            assert_eq!(
                NationalId::parse(input).unwrap().as_str(),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn keeps_leading_zeros() {
        assert_eq!(
            NationalId::parse("00000000001").unwrap().as_str(),
            "00000000001"
        );
    }

    #[test]
    fn rejects_wrong_lengths_and_letters_with_what_is_wrong() {
        assert_eq!(NationalId::parse("").unwrap_err(), NationalIdError::Empty);
        assert_eq!(
            NationalId::parse(" - ").unwrap_err(),
            NationalIdError::Empty
        );
        assert_eq!(
            NationalId::parse("1234567890").unwrap_err(),
            NationalIdError::WrongLength { digits: 10 }
        );
        assert_eq!(
            NationalId::parse("٠١٢٣٤٥٦٧٨٩٠١").unwrap_err(),
            NationalIdError::WrongLength { digits: 12 }
        );
        assert_eq!(
            NationalId::parse("0123456789O").unwrap_err(),
            NationalIdError::InvalidCharacter {
                ch: 'O',
                position: 11
            }
        );
        assert!(matches!(
            NationalId::parse("١٢٣+٤٥٦٧٨٩٠١"),
            Err(NationalIdError::InvalidCharacter {
                ch: '+',
                position: 4
            })
        ));
    }

    #[test]
    fn serde_round_trip_validates() {
        let id: NationalId = serde_json::from_str("\"٠١٢٣٤٥٦٧٨٩٠\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"01234567890\"");
        assert!(serde_json::from_str::<NationalId>("\"123\"").is_err());
    }

    #[test]
    fn looks_like_separates_ids_from_codes() {
        assert!(NationalId::looks_like("٠١٢ ٣٤"));
        assert!(!NationalId::looks_like("RR100000015SY"));
        assert!(!NationalId::looks_like(""));
    }
}
