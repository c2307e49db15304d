//! Text in both of the course's languages. Every text a learner can see exists in
//! English and in Chinese; `perflab dev check` rejects a text that lacks one.
use serde::{Deserialize, Serialize};

/// A language of the course; saved (in the learner's progress) as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code used in file names (`brief.en.md`) and in `{ en = "...", zh = "..." }`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// One text in both languages: `{ en = "...", zh = "..." }`.
///
/// Both keys default to empty so that a missing language is reported by
/// `perflab dev check` with the field's path, next to every other problem,
/// instead of stopping the parse at the first one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    #[serde(default)]
    pub en: String,
    /// Chinese (simplified), written for Chinese readers, not translated word for word.
    #[serde(default)]
    pub zh: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    /// The languages whose text is missing or blank.
    pub fn missing(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|l| self.get(*l).trim().is_empty())
            .collect()
    }
}

/// Whether a character belongs to the scripts that the course's Chinese uses.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_reports_blank_languages() {
        let t: Text = toml::from_str("en = \"hello\"\nzh = \"  \"").unwrap();
        assert_eq!(t.missing(), vec![Lang::Zh]);
        assert_eq!(t.get(Lang::En), "hello");
        assert!(toml::from_str::<Text>("en = \"a\"\nfr = \"b\"").is_err());
    }

    #[test]
    fn cjk_detection() {
        assert!(is_cjk('连'));
        assert!(!is_cjk('a'));
        assert!(!is_cjk('，'), "punctuation is not a script character");
    }
}
