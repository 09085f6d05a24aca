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
    let (cell, source, id) = match lang {
        Lang::Ar => (&AR, AR_FTL, langid!("ar-SY")),
        Lang::En => (&EN, EN_FTL, langid!("en-GB")),
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
        let _ = bundle.add_resource(resource);
        bundle
    })
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
}
