//! The stage plan: the knobs at the start of every stage, from `containers/stages.toml`.
use serde::Deserialize;

use super::{Knobs, KnobsError, KnobsPatch};

const STAGES_TOML: &str = include_str!("../../containers/stages.toml");
const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StagesError {
    #[error("containers/stages.toml: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("containers/stages.toml: format {found} is not supported (expected {FORMAT})")]
    Format { found: u32 },
    #[error("containers/stages.toml: stage {number} is listed at position {position}: stages must be numbered 0, 1, 2, ... in order")]
    Order { number: u8, position: usize },
    #[error("containers/stages.toml: {when}: {source}")]
    Knobs {
        /// `at the start of stage 2`, `after every fix`.
        when: String,
        #[source]
        source: KnobsError,
    },
}

/// A stage number the course does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stage {n} does not exist: the course has stages 0 to {last}")]
pub struct StageError {
    pub n: u8,
    pub last: u8,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub number: u8,
    pub name: String,
    #[serde(default)]
    pub on_start: KnobsPatch,
    #[serde(default)]
    pub fix: KnobsPatch,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePlan {
    format: u32,
    start: Knobs,
    #[serde(rename = "stage")]
    stages: Vec<Stage>,
}

impl StagePlan {
    /// The plan embedded in the binary.
    pub fn embedded() -> Result<StagePlan, StagesError> {
        StagePlan::parse(STAGES_TOML)
    }

    pub fn parse(text: &str) -> Result<StagePlan, StagesError> {
        let plan: StagePlan = toml::from_str(text)?;
        if plan.format != FORMAT {
            return Err(StagesError::Format { found: plan.format });
        }
        for (i, s) in plan.stages.iter().enumerate() {
            if usize::from(s.number) != i {
                return Err(StagesError::Order {
                    number: s.number,
                    position: i,
                });
            }
        }
        for n in 0..plan.stages.len() {
            plan.knobs_at_start(n as u8)
                .validate()
                .map_err(|source| StagesError::Knobs {
                    when: format!("at the start of stage {n}"),
                    source,
                })?;
        }
        plan.knobs_after_fix(plan.last())
            .validate()
            .map_err(|source| StagesError::Knobs {
                when: "after every fix".into(),
                source,
            })?;
        Ok(plan)
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    pub fn last(&self) -> u8 {
        (self.stages.len() - 1) as u8
    }

    pub fn stage(&self, n: u8) -> Option<&Stage> {
        self.stages.get(usize::from(n))
    }

    /// Checks a stage number given by the user, naming the accepted range.
    pub fn check_stage(&self, n: u8) -> Result<&Stage, StageError> {
        self.stage(n).ok_or(StageError {
            n,
            last: self.last(),
        })
    }

    /// The server as it is when stage `n` begins: every earlier stage fixed, and
    /// every change that a stage up to `n` begins with.
    pub fn knobs_at_start(&self, n: u8) -> Knobs {
        let mut k = self.start.clone();
        for s in self.stages.iter().take(usize::from(n) + 1) {
            if s.number < n {
                k.apply(&s.on_start);
                k.apply(&s.fix);
            } else {
                k.apply(&s.on_start);
            }
        }
        k
    }

    /// The server after stage `n`'s reference fix.
    pub fn knobs_after_fix(&self, n: u8) -> Knobs {
        let mut k = self.knobs_at_start(n);
        if let Some(s) = self.stage(n) {
            k.apply(&s.fix);
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Backlog;

    #[test]
    fn embedded_plan_is_valid() {
        let plan = StagePlan::embedded().unwrap();
        assert_eq!(plan.last(), 6);
    }

    #[test]
    fn stage_zero_is_all_mistuned() {
        let k = StagePlan::embedded().unwrap().knobs_at_start(0);
        assert!(k.conntrack_fill);
        assert_eq!(k.somaxconn, 10);
        assert_eq!(k.ip_local_port_range, "20000 20050");
        assert_eq!(k.tcp_tw_reuse, 0);
        assert_eq!(k.nginx_backlog, 10);
        assert_eq!(k.pm, "ondemand");
        assert_eq!(k.pm_max_children, 5);
        assert_eq!(k.phpfpm_backlog, Backlog::Default);
        assert!(!k.fastcgi_keep_conn);
    }

    #[test]
    fn later_stages_have_earlier_fixes_and_their_own_start() {
        let plan = StagePlan::embedded().unwrap();
        let k = plan.knobs_at_start(5);
        assert!(!k.conntrack_fill);
        assert_eq!(k.pm_max_children, 20);
        assert_eq!(k.somaxconn, 65536);
        assert_eq!(k.ip_local_port_range, "10000 65535");
        assert!(
            k.fastcgi_keep_conn,
            "stage 5 begins with the keep-alive change"
        );
        assert_eq!(
            k.tcp_tw_reuse, 0,
            "stage 5's own fix is not applied at its start"
        );
        assert_eq!(plan.knobs_after_fix(5).tcp_tw_reuse, 1);
        assert_eq!(plan.knobs_at_start(1), plan.knobs_at_start(0));
        assert!(plan.knobs_at_start(6).fastcgi_keep_conn);
    }

    #[test]
    fn unknown_stage_is_refused_with_range() {
        let plan = StagePlan::embedded().unwrap();
        let err = plan.check_stage(9).unwrap_err().to_string();
        assert!(err.contains("stage 9") && err.contains("0 to 6"), "{err}");
    }

    #[test]
    fn unknown_fields_and_bad_values_are_rejected() {
        let good = STAGES_TOML;
        let unknown = good.replace("tcp_tw_reuse = 0", "tcp_tw_reuse = 0\nbogus = 1");
        assert!(StagePlan::parse(&unknown).is_err());
        let bad = good.replace("\"20000 20050\"", "\"20050 20000\"");
        let err = StagePlan::parse(&bad).unwrap_err().to_string();
        assert!(err.contains("ip_local_port_range"), "{err}");
        let future = good.replace("format = 1", "format = 2");
        assert!(matches!(
            StagePlan::parse(&future),
            Err(StagesError::Format { found: 2 })
        ));
    }
}
