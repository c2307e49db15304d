//! The one way perflab keeps its own words: a [`Phrase`] in English and
//! Chinese, written as constants with [`phrases!`], which also lists them in an
//! `ALL` that a unit test checks with [`assert_complete`]. The tutor, the
//! challenge, the presenters and the report all keep their words this way;
//! the lessons' prose is [`super::Text`], read from the lesson files.
use super::text::Lang;

/// One phrase in English and Chinese; `{name}` marks a place to fill.
#[derive(Debug, Clone, Copy)]
pub struct Phrase {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Phrase {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }

    /// The phrase with each `{name}` replaced by its value.
    pub fn fill(&self, lang: Lang, values: &[(&str, &str)]) -> String {
        let mut s = self.get(lang).to_string();
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

/// Phrases as constants, `ALL` of them, and the unit test that both languages
/// exist and agree on placeholders ([`assert_complete`]).
macro_rules! phrases {
    ($($name:ident = $en:literal, $zh:literal;)*) => {
        $(pub const $name: $crate::lessons::Phrase = $crate::lessons::Phrase { en: $en, zh: $zh };)*
        /// Every phrase, for the test that both languages exist and agree on placeholders.
        #[cfg(test)]
        pub const ALL: &[$crate::lessons::Phrase] = &[$($name),*];

        /// Every table of phrases is checked where it is declared.
        #[cfg(test)]
        #[test]
        fn every_phrase_has_both_languages_with_the_same_placeholders() {
            $crate::lessons::assert_complete(ALL);
        }
    };
}
pub(crate) use phrases;

/// Each phrase has both languages, with the same `{name}`s.
#[cfg(test)]
pub fn assert_complete(all: &[Phrase]) {
    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .match_indices('{')
            .filter_map(|(i, _)| s[i + 1..].split_once('}').map(|(name, _)| name))
            .collect();
        v.sort();
        v.dedup();
        v
    }
    for p in all {
        assert!(!p.en.trim().is_empty() && !p.zh.trim().is_empty(), "{p:?}");
        assert_eq!(placeholders(p.en), placeholders(p.zh), "{p:?}");
    }
}
