//! The service catalog (from `assets/catalog.json`): what a center issues,
//! how fast, for what fee, with how many stamps. It is data, validated when
//! loaded, so a bad edit stops the desk at start instead of mid-shift.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The legal ceiling on a service fee (the ministry's figure).
pub const MAX_FEE_SYP: u32 = 1_000;
const MAX_STAMPS: u32 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ServiceClass {
    /// Due 24 hours after submission.
    Fast,
    /// Due after this many working days.
    Slow { working_days: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Date,
    /// The people of a family record, each with their relation and birth
    /// date (a JSON list of [`Member`]s): printed as a table.
    Members,
}

/// One person of a family extract, as the record lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    /// In Arabic, as the record says it (الزوجة، ابن، ابنة …).
    pub relation: String,
    /// ISO date (YYYY-MM-DD).
    pub birth_date: String,
}

/// A family's members are read from data that came over the network:
/// bounded in size and count.
const MEMBERS_MAX_BYTES: usize = 16 * 1024;
const MEMBERS_MAX: usize = 40;

/// The members of a [`FieldKind::Members`] value; None when the value is
/// not such a list (too long, too many, or not the format).
pub fn members(value: &str) -> Option<Vec<Member>> {
    if value.len() > MEMBERS_MAX_BYTES {
        return None;
    }
    let list: Vec<Member> = serde_json::from_str(value).ok()?;
    (list.len() <= MEMBERS_MAX).then_some(list)
}

/// An ISO date as people read it (dd/mm/yyyy); other text unchanged.
pub fn display_date(value: &str) -> String {
    match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => value.to_owned(),
    }
}

fn text_kind() -> FieldKind {
    FieldKind::Text
}

/// One field of the document as issued by the authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub key: String,
    pub label_ar: String,
    pub label_en: String,
    /// The Arabic label for a man's and for a woman's document, where it
    /// differs («اسم الزوجة» / «اسم الزوج»); `label_ar` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_ar_male: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_ar_female: Option<String>,
    #[serde(default = "text_kind")]
    pub kind: FieldKind,
}

impl FieldSpec {
    /// The value as one line on a screen or a terminal: dates as
    /// dd/mm/yyyy, a family's members as «name (relation، date)» each.
    pub fn display(&self, value: &str) -> String {
        match self.kind {
            FieldKind::Text => value.to_owned(),
            FieldKind::Date => display_date(value),
            FieldKind::Members => match members(value) {
                Some(list) => list
                    .iter()
                    .map(|m| {
                        format!(
                            "{} ({}، {})",
                            m.name,
                            m.relation,
                            display_date(&m.birth_date)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("؛ "),
                None => value.to_owned(),
            },
        }
    }

    /// The Arabic label for the citizen's sex (the neutral one when the
    /// request does not say).
    pub fn label_ar_for(&self, sex: Option<crate::domain::Sex>) -> &str {
        let own = match sex {
            Some(crate::domain::Sex::Male) => self.label_ar_male.as_deref(),
            Some(crate::domain::Sex::Female) => self.label_ar_female.as_deref(),
            None => None,
        };
        own.unwrap_or(&self.label_ar)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub class: ServiceClass,
    pub fee_syp: u32,
    pub required_stamps: u32,
    /// How long the issued document stays valid.
    pub validity_days: u32,
    pub fields: Vec<FieldSpec>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub version: u32,
    pub services: Vec<Service>,
    pub governorates: Vec<Named>,
    pub banks: Vec<Named>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid service catalog: {0}")]
pub struct CatalogError(pub String);

const BUILTIN: &str = include_str!("../../assets/catalog.json");

impl Catalog {
    /// The catalog shipped in `assets/catalog.json`.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        Catalog::from_json(BUILTIN)
    }

    pub fn from_json(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = serde_json::from_str(text)
            .map_err(|e| CatalogError(format!("not valid JSON for a catalog: {e}")))?;
        catalog.validate()?;
        Ok(catalog)
    }

    pub fn validate(&self) -> Result<(), CatalogError> {
        let err = |msg: String| Err(CatalogError(msg));
        if self.services.is_empty() {
            return err("no services".into());
        }
        let mut codes = HashSet::new();
        for s in &self.services {
            if s.code.is_empty()
                || !s
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return err(format!(
                    "service code {:?} must be lower-case ASCII letters, digits or _",
                    s.code
                ));
            }
            if !codes.insert(&s.code) {
                return err(format!("service code {:?} appears twice", s.code));
            }
            if s.name_ar.trim().is_empty() || s.name_en.trim().is_empty() {
                return err(format!(
                    "service {:?} needs an Arabic and an English name",
                    s.code
                ));
            }
            if s.fee_syp == 0 || s.fee_syp > MAX_FEE_SYP {
                return err(format!(
                    "service {:?}: fee {} SYP is outside 1..={MAX_FEE_SYP}",
                    s.code, s.fee_syp
                ));
            }
            if s.required_stamps == 0 || s.required_stamps > MAX_STAMPS {
                return err(format!(
                    "service {:?}: {} stamps is outside 1..={MAX_STAMPS}",
                    s.code, s.required_stamps
                ));
            }
            if s.validity_days == 0 {
                return err(format!(
                    "service {:?}: validity must be at least one day",
                    s.code
                ));
            }
            if let ServiceClass::Slow { working_days: 0 } = s.class {
                return err(format!(
                    "service {:?}: a slow service needs at least one working day",
                    s.code
                ));
            }
            let mut keys = HashSet::new();
            for f in &s.fields {
                if f.key.is_empty() || !keys.insert(&f.key) {
                    return err(format!(
                        "service {:?}: field key {:?} is empty or repeated",
                        s.code, f.key
                    ));
                }
            }
        }
        for (what, list) in [("governorate", &self.governorates), ("bank", &self.banks)] {
            if list.is_empty() {
                return err(format!("no {what}s"));
            }
            let mut seen = HashSet::new();
            for n in list {
                if n.code.is_empty()
                    || !seen.insert(&n.code)
                    || n.name_ar.is_empty()
                    || n.name_en.is_empty()
                {
                    return err(format!("{what} {:?} is unnamed or repeated", n.code));
                }
            }
        }
        Ok(())
    }

    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }

    pub fn governorate(&self, code: &str) -> Option<&Named> {
        self.governorates.iter().find(|g| g.code == code)
    }

    pub fn bank(&self, code: &str) -> Option<&Named> {
        self.banks.iter().find(|b| b.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_covers_the_seed_services() {
        let c = Catalog::builtin().unwrap();
        for code in [
            "civil_extract_individual",
            "civil_extract_family",
            "civil_status_data",
            "birth",
            "marriage",
            "divorce",
            "civil_registry_record",
            "criminal_record",
            "not_employed",
            "education_certificate",
        ] {
            let s = c.service(code).unwrap_or_else(|| panic!("missing {code}"));
            assert!(s.fee_syp <= MAX_FEE_SYP);
        }
        assert_eq!(c.governorates.len(), 14);
        assert_eq!(c.banks.len(), 6);
        assert!(c.services.iter().any(|s| s.class == ServiceClass::Fast));
        assert!(
            c.services
                .iter()
                .any(|s| matches!(s.class, ServiceClass::Slow { .. }))
        );
    }

    #[test]
    fn rejects_fee_above_ceiling_and_duplicates() {
        let mut c = Catalog::builtin().unwrap();
        c.services[0].fee_syp = 1_001;
        assert!(c.validate().unwrap_err().0.contains("fee"));
        let mut c = Catalog::builtin().unwrap();
        c.services[1].code = c.services[0].code.clone();
        assert!(c.validate().unwrap_err().0.contains("twice"));
        let mut c = Catalog::builtin().unwrap();
        c.services[0].required_stamps = 0;
        assert!(c.validate().is_err());
        assert!(Catalog::from_json("{").is_err());
    }
}
