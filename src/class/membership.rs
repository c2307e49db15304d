//! A learner's membership of a class, kept in a file of its own in their state
//! directory: where the server is, the join token, and who they are to it.
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::api::{self, JoinRequest, Joined};
use super::error::ClassError;
use super::event::{check_id, check_text};
use super::http::{Base, Client};

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The server's base URL, `http://HOST:PORT`.
    pub server: String,
    pub join_token: String,
    pub learner: String,
    pub secret: String,
    pub name: String,
    pub title: String,
}

/// Without the secret: progress is printed in debug output now and then.
impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership")
            .field("server", &self.server)
            .field("learner", &self.learner)
            .field("name", &self.name)
            .field("title", &self.title)
            .finish_non_exhaustive()
    }
}

/// The membership's file in the state directory.
const FILE: &str = "membership.json";

impl Membership {
    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join(FILE)
    }

    /// The class this learner joined; `None` when they joined none.
    pub fn load(state_dir: &Path) -> Result<Option<Membership>, ClassError> {
        let path = Self::path(state_dir);
        let text = match crate::files::read_if_there(&path) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(None),
            Err(source) => return Err(ClassError::MembershipRead { path, source }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|source| ClassError::MembershipCorrupt { path, source })
    }

    /// Saves it whole or not at all.
    pub fn save(&self, state_dir: &Path) -> Result<(), ClassError> {
        let path = Self::path(state_dir);
        let text = serde_json::to_string_pretty(self).expect("a membership serializes");
        crate::files::write_atomic(&path, text.as_bytes())
            .map_err(|source| ClassError::MembershipWrite { path, source })
    }

    /// The learner left the class.
    pub fn remove(state_dir: &Path) -> Result<(), ClassError> {
        let path = Self::path(state_dir);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(ClassError::MembershipWrite { path, source: e })
            }
            _ => Ok(()),
        }
    }

    pub fn base(&self) -> Result<Base, ClassError> {
        Ok(Base::parse(&self.server)?.0)
    }

    /// The headers that prove this learner to the server.
    pub fn auth(&self) -> [(&'static str, String); 3] {
        [
            ("authorization", api::bearer(&self.join_token)),
            (api::LEARNER_HEADER, self.learner.clone()),
            (api::SECRET_HEADER, self.secret.clone()),
        ]
    }

    /// Where this membership's queue of events lives.
    pub fn queue_dir(&self, state_dir: &Path) -> PathBuf {
        state_dir.join("class").join(&self.learner)
    }
}

/// The server and the join token of a join URL, `http://HOST:PORT/join/TOKEN`.
pub fn parse_join_url(url: &str) -> Result<(Base, String), ClassError> {
    let bad = |reason: &str| ClassError::BadJoinUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let (base, path) = Base::parse(url)?;
    let token = path
        .strip_prefix("/join/")
        .ok_or_else(|| bad("its path is not /join/TOKEN"))?;
    check_id("token", token).map_err(|_| bad("its token is not 32 hex digits"))?;
    Ok((base, token.to_string()))
}

/// Registers `name` with the class of `url`.
pub async fn join(url: &str, name: &str) -> Result<Membership, ClassError> {
    let name = name.trim();
    check_text("name", name, 1, 40).map_err(ClassError::Name)?;
    let (base, token) = parse_join_url(url)?;
    let mut client = Client::new(base.clone(), Duration::from_secs(10));
    let body = serde_json::to_vec(&JoinRequest { name: name.into() }).expect("serializes");
    let auth = api::bearer(&token);
    let answer = client
        .request("POST", api::JOIN, &[("authorization", &auth)], body)
        .await?;
    if answer.status != 201 {
        return Err(ClassError::Refused {
            op: "joining the class",
            status: answer.status,
            message: answer.message(),
        });
    }
    let joined: Joined =
        serde_json::from_slice(&answer.body).map_err(|source| ClassError::BadAnswer {
            op: "joining the class",
            url: base.url(api::JOIN),
            source,
        })?;
    Ok(Membership {
        server: base.url(""),
        join_token: token,
        learner: joined.learner,
        secret: joined.secret,
        name: name.to_string(),
        title: joined.title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_urls() {
        let t = "0123456789abcdef0123456789abcdef";
        let (b, tok) = parse_join_url(&format!("http://10.1.2.3:8470/join/{t}")).unwrap();
        assert_eq!(
            (b.url(""), tok.as_str()),
            ("http://10.1.2.3:8470".into(), t)
        );
        for bad in [
            format!("http://h:1/{t}"),
            "http://h:1/join/short".to_string(),
            format!("ftp://h/join/{t}"),
        ] {
            assert!(parse_join_url(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let m = Membership {
            server: "http://h:1".into(),
            join_token: "j".into(),
            learner: "l".into(),
            secret: "s3cr3t".into(),
            name: "ana".into(),
            title: "t".into(),
        };
        let d = format!("{m:?}");
        assert!(d.contains("ana") && !d.contains("s3cr3t") && !d.contains("\"j\""));
    }
}
