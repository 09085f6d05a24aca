//! Translations. Every string staff read comes from the Fluent files in
//! `assets/i18n/` (Arabic first, English second); code only names message ids.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::langid;

/// The two languages of the desk. Arabic is the default everywhere.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ar, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ar" | "ar-sy" | "arabic" => Some(Lang::Ar),
            "en" | "en-gb" | "en-us" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }
}

const AR_FTL: &str = include_str!("../assets/i18n/ar.ftl");
const EN_FTL: &str = include_str!("../assets/i18n/en.ftl");

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static AR: OnceLock<Bundle> = OnceLock::new();
    static EN: OnceLock<Bundle> = OnceLock::new();
    let (cell, source, id, plural): (_, _, _, fn(u64) -> &'static str) = match lang {
        Lang::Ar => (&AR, AR_FTL, langid!("ar-SY"), arabic_plural),
        Lang::En => (&EN, EN_FTL, langid!("en-GB"), english_plural),
    };
    cell.get_or_init(|| {
        // The files are compiled in and checked by a test, so a parse error
        // here is a build defect, not something staff can cause.
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _errors)| res);
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Isolation marks (U+2068/U+2069) show as junk in terminals and in
        // PDFs; bidi is handled where text is laid out.
        bundle.set_use_isolating(false);
        let _ = bundle.add_function("PLURAL", move |positional, _named| {
            let category = positional
                .first()
                .and_then(count_of)
                .map_or("other", plural);
            FluentValue::from(category)
        });
        let _ = bundle.add_resource(resource);
        bundle
    })
}

/// `PLURAL($count)`: the plural category of a count, for a select
/// expression (`{ PLURAL($count) -> [few] … }`). Fluent's own choice by
/// number goes through intl_pluralrules 7, whose Arabic rule reads the
/// whole number where CLDR says "n % 100" (103 came out "other", not
/// "few"); and a count passed as text keeps its digits (Latin or
/// Arabic-Indic, as the caller chose) only as text. So the category is
/// ours and the count stays the caller's text.
fn count_of(value: &FluentValue) -> Option<u64> {
    match value {
        FluentValue::Number(n) if n.value >= 0.0 && n.value.fract() == 0.0 => Some(n.value as u64),
        FluentValue::String(text) => {
            let mut value: u64 = 0;
            for c in text.chars() {
                let digit = match c {
                    '0'..='9' => u64::from(c) - u64::from('0'),
                    '\u{0660}'..='\u{0669}' => u64::from(c) - 0x0660,
                    _ => return None,
                };
                value = value.checked_mul(10)?.checked_add(digit)?;
            }
            (!text.is_empty()).then_some(value)
        }
        _ => None,
    }
}

/// CLDR's cardinal categories for Arabic: 0, 1 and 2 have their own
/// forms, 3–10 (also 103–110 …) take the plural, 11–99 (111–199 …) the
/// singular accusative, and 100–102 (200–202 …) the singular genitive.
pub fn arabic_plural(n: u64) -> &'static str {
    match (n, n % 100) {
        (0, _) => "zero",
        (1, _) => "one",
        (2, _) => "two",
        (_, 3..=10) => "few",
        (_, 11..=99) => "many",
        _ => "other",
    }
}

/// English: one, else other (and zero, for "no envelopes").
fn english_plural(n: u64) -> &'static str {
    match n {
        0 => "zero",
        1 => "one",
        _ => "other",
    }
}

/// A message id with its arguments, translated only when shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Arguments that are themselves message ids, translated with the message.
    pub translated_args: Vec<(&'static str, &'static str)>,
    /// Arguments that are whole messages (a reason inside a reason),
    /// translated with the message.
    pub message_args: Vec<(&'static str, Message)>,
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Message {
            id,
            args: Vec::new(),
            translated_args: Vec::new(),
            message_args: Vec::new(),
        }
    }

    /// An argument that is a message of its own, shown in the same
    /// language as this one.
    pub fn arg_message(mut self, name: &'static str, message: Message) -> Self {
        self.message_args.push((name, message));
        self
    }

    /// An argument that is a message id (a state, a role...), shown in the
    /// same language as the message.
    pub fn arg_tr(mut self, name: &'static str, id: &'static str) -> Self {
        self.translated_args.push((name, id));
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn text(&self, lang: Lang) -> String {
        let translated: Vec<(&str, String)> = self
            .translated_args
            .iter()
            .map(|(k, id)| (*k, tr(lang, id, &[])))
            .chain(self.message_args.iter().map(|(k, m)| (*k, m.text(lang))))
            .collect();
        let pairs: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(translated.iter().map(|(k, v)| (*k, v.as_str())))
            .collect();
        tr(lang, self.id, &pairs)
    }

    /// Arabic line, then English line: how errors are printed on the CLI.
    pub fn bilingual(&self) -> String {
        format!("{}\n{}", self.text(Lang::Ar), self.text(Lang::En))
    }
}

/// Translates `id` with string arguments. An unknown id comes back as the id
/// itself so a missing translation is visible rather than silent.
pub fn tr(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, FluentValue::from(*v));
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned()
}

/// Every message id defined in the file for `lang` (used by the tests that
/// keep the two languages in step).
pub fn message_ids(lang: Lang) -> Vec<String> {
    let source = match lang {
        Lang::Ar => AR_FTL,
        Lang::En => EN_FTL,
    };
    source
        .lines()
        .filter_map(|line| {
            let (id, _) = line.split_once('=')?;
            let id = id.trim();
            let first = id.chars().next()?;
            (first.is_ascii_alphabetic() && !line.starts_with(' ')).then(|| id.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_parse_without_errors() {
        for src in [AR_FTL, EN_FTL] {
            if let Err((_, errors)) = FluentResource::try_new(src.to_owned()) {
                panic!("ftl errors: {errors:?}");
            }
        }
    }

    #[test]
    fn arabic_and_english_define_the_same_messages() {
        let mut ar = message_ids(Lang::Ar);
        let mut en = message_ids(Lang::En);
        ar.sort();
        en.sort();
        assert_eq!(ar, en);
        assert!(ar.len() > 20, "expected a real catalogue, got {}", ar.len());
    }

    #[test]
    fn arguments_are_substituted() {
        let m = Message::new("err-national-id-length").arg("count", 9);
        assert!(m.text(Lang::En).contains('9'), "{}", m.text(Lang::En));
        assert!(m.text(Lang::Ar).contains('9'));
        assert_ne!(m.text(Lang::Ar), m.text(Lang::En));
    }
    /// Each message of `source` with its text (continuation lines joined).
    fn message_blocks(source: &str) -> Vec<(String, String)> {
        let mut blocks: Vec<(String, String)> = Vec::new();
        for line in source.lines() {
            if line.starts_with(' ') {
                if let Some((_, text)) = blocks.last_mut() {
                    text.push('\n');
                    text.push_str(line);
                }
            } else if let Some((id, text)) = line.split_once(" = ") {
                blocks.push((id.to_owned(), text.to_owned()));
            }
        }
        blocks
    }

    /// The counted messages: those whose text chooses a form by a number.
    fn counted_messages(source: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        message_blocks(source)
            .into_iter()
            .filter(|(_, text)| text.contains(" ->"))
            .inspect(|(id, text)| {
                // intl_pluralrules gets Arabic wrong past 100: every
                // choice by a count goes through our PLURAL.
                assert!(
                    text.contains("{ PLURAL($"),
                    "{id}: choose with PLURAL($count)"
                );
            })
            .map(|(id, text)| {
                let mut variables = Vec::new();
                let mut selectors = Vec::new();
                for (at, found) in text
                    .match_indices("{ $")
                    .chain(text.match_indices("PLURAL($"))
                {
                    let rest = &text[at + found.len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if rest[name.len()..].starts_with(") ->") && !selectors.contains(&name) {
                        selectors.push(name.clone());
                    }
                    if !variables.contains(&name) {
                        variables.push(name);
                    }
                }
                (id, variables, selectors)
            })
            .collect()
    }

    fn render(lang: Lang, id: &str, variables: &[String], selectors: &[String], n: &str) -> String {
        let args: Vec<(&str, &str)> = variables
            .iter()
            .map(|v| (v.as_str(), if selectors.contains(v) { n } else { "X" }))
            .collect();
        tr(lang, id, &args)
    }

    #[test]
    fn every_counted_arabic_message_has_all_six_plural_forms() {
        let counted = counted_messages(AR_FTL);
        assert!(
            counted.len() >= 12,
            "only {} counted messages",
            counted.len()
        );
        for (id, _, selectors) in &counted {
            let text = &message_blocks(AR_FTL)
                .into_iter()
                .find(|(i, _)| i == id)
                .unwrap()
                .1;
            for key in ["[zero]", "[one]", "[two]", "[few]", "[many]", "*[other]"] {
                assert_eq!(
                    text.matches(key).count(),
                    selectors.len(),
                    "{id}: {key} missing for one of {selectors:?}"
                );
            }
        }
        // English counts too, with its own two forms.
        let english: Vec<String> = counted_messages(EN_FTL).into_iter().map(|m| m.0).collect();
        for (id, _, _) in &counted {
            assert!(
                english.contains(id),
                "{id} counts in Arabic but not in English"
            );
        }
    }

    #[test]
    fn every_counted_message_agrees_with_0_1_2_3_11_100() {
        for (id, variables, selectors) in counted_messages(AR_FTL) {
            let form = |n: u32| {
                let text = render(Lang::Ar, &id, &variables, &selectors, &n.to_string());
                assert!(!text.contains('{') && !text.contains(&id), "{id}: {text}");
                text
            };
            // Zero, one and two are said in words in Arabic («مغلفان»), never
            // «2 مغلف»: the count's digits are not printed.
            for n in [0, 1, 2] {
                let text = form(n);
                assert!(!text.contains(&n.to_string()), "{id} with {n}: {text}");
            }
            // 3–10 take the plural, 11–99 the singular (accusative), 100 the
            // singular (genitive): the noun after 3 is never the one after 11.
            let three = form(3);
            let eleven = form(11);
            let hundred = form(100);
            assert!(three.contains("3 ") && eleven.contains("11 ") && hundred.contains("100 "));
            assert_ne!(three.replace('3', "N"), eleven.replace("11", "N"), "{id}");
            assert_ne!(form(1), form(2), "{id}");
        }
        for (id, variables, selectors) in counted_messages(EN_FTL) {
            let one = render(Lang::En, &id, &variables, &selectors, "1");
            let two = render(Lang::En, &id, &variables, &selectors, "2");
            assert!(!one.contains('{') && !one.contains(&id), "{id}: {one}");
            assert_ne!(
                one.replace('1', "N"),
                two.replace('2', "N"),
                "{id}: {one} / {two}"
            );
        }
    }

    #[test]
    fn a_dispatch_is_counted_as_arabic_grammar_says() {
        let said = |n: &str| {
            let m = Message::new("done-dispatched")
                .arg("batch", "B")
                .arg("path", "P")
                .arg("count", n);
            m.text(Lang::Ar)
        };
        assert!(said("0").contains("لم يُسلَّم أي مغلف"), "{}", said("0"));
        assert!(said("1").contains("سُلِّم مغلف واحد"), "{}", said("1"));
        assert!(said("2").contains("سُلِّم مغلفان"), "{}", said("2"));
        assert!(said("3").contains("سُلِّمت 3 مغلفات"), "{}", said("3"));
        assert!(said("11").contains("سُلِّم 11 مغلفاً"), "{}", said("11"));
        assert!(said("100").contains("سُلِّم 100 مغلف "), "{}", said("100"));
        // A count given in Arabic-Indic digits chooses the same form and
        // is printed in the same digits.
        assert!(said("١١").contains("سُلِّم ١١ مغلفاً"), "{}", said("١١"));
        assert!(said("١٠٣").contains("سُلِّمت ١٠٣ مغلفات"), "{}", said("١٠٣"));
        let en = Message::new("done-dispatched")
            .arg("batch", "B")
            .arg("path", "P");
        assert!(
            en.clone()
                .arg("count", 1)
                .text(Lang::En)
                .contains("1 envelope handed")
        );
        assert!(
            en.arg("count", 3)
                .text(Lang::En)
                .contains("3 envelopes handed")
        );
    }

    #[test]
    fn arabic_categories_follow_cldr_including_past_a_hundred() {
        let cases = [
            (0, "zero"),
            (1, "one"),
            (2, "two"),
            (3, "few"),
            (10, "few"),
            (11, "many"),
            (99, "many"),
            (100, "other"),
            (102, "other"),
            (103, "few"),
            (111, "many"),
            (1000, "other"),
        ];
        for (n, category) in cases {
            assert_eq!(arabic_plural(n), category, "{n}");
        }
        for (text, n) in [("0", Some(0)), ("١٢", Some(12)), ("12a", None), ("", None)] {
            assert_eq!(count_of(&FluentValue::from(text)), n, "{text}");
        }
        assert_eq!(
            count_of(&FluentValue::from("99999999999999999999999")),
            None
        );
    }
}
