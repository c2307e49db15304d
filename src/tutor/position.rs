//! Where a stage of the course stands in the learner's progress: at one of
//! its steps, or through. Saved as the step's name, or `done`, as before there
//! was a type for it.
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::lessons::StepKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The next step to take.
    At(StepKind),
    /// Every step of the stage is taken.
    Done,
}

impl Position {
    /// The name saved in the progress and sent to a class.
    pub fn name(self) -> &'static str {
        match self {
            Position::At(k) => k.name(),
            Position::Done => "done",
        }
    }

    /// The position a saved name stands for ("read" is the brief's name before
    /// progress format 2).
    pub fn from_name(name: &str) -> Option<Position> {
        match name {
            "done" => Some(Position::Done),
            _ => StepKind::from_name(name).map(Position::At),
        }
    }
}

impl Serialize for Position {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Position, D::Error> {
        let name = String::deserialize(d)?;
        Position::from_name(&name).ok_or_else(|| {
            de::Error::custom(format!(
                "{name:?} is not a step of a stage (brief, observe, ... debrief) nor done"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_position_is_saved_as_its_name_and_read_back() {
        let all = StepKind::ALL
            .into_iter()
            .map(Position::At)
            .chain([Position::Done]);
        for p in all {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.name()));
            assert_eq!(serde_json::from_str::<Position>(&json).unwrap(), p);
        }
        assert_eq!(
            serde_json::from_str::<Position>("\"read\"").unwrap(),
            Position::At(StepKind::Brief)
        );
        let e = serde_json::from_str::<Position>("\"lunch\"").unwrap_err();
        assert!(e.to_string().contains("\"lunch\" is not a step"), "{e}");
    }
}
