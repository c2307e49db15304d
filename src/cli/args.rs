//! Option values shared by several commands, parsed and checked before anything
//! acts. The course's stages are `lessons::STAGES`, checked here for every
//! command that takes a stage.
use crate::lessons::STAGES;

/// A stage number as typed that the course does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageArgError {
    #[error("stage {text:?} is not a stage number: the course has stages {} to {}", STAGES.start(), STAGES.end())]
    NotANumber { text: String },
    #[error("stage {n} does not exist: the course has stages {} to {}", STAGES.start(), STAGES.end())]
    Outside { n: u16 },
}

/// A stage of the course (clap value parser of `--stage`, `--from`, `--to`).
pub fn stage(text: &str) -> Result<u8, StageArgError> {
    let n: u16 = text.trim().parse().map_err(|_| StageArgError::NotANumber {
        text: text.to_string(),
    })?;
    u8::try_from(n)
        .ok()
        .filter(|n| STAGES.contains(n))
        .ok_or(StageArgError::Outside { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_name_the_value_and_the_range() {
        assert_eq!(stage(" 3 "), Ok(3));
        let e = stage("9").unwrap_err().to_string();
        assert_eq!(e, "stage 9 does not exist: the course has stages 0 to 6");
        let e = stage("abc").unwrap_err().to_string();
        assert!(e.contains("\"abc\" is not a stage number"), "{e}");
        assert!(stage("-1").unwrap_err().to_string().contains("0 to 6"));
        assert!(stage("300").is_err());
    }
}
