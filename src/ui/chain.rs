//! An error and its causes as one line, each said once. Errors here often carry
//! their cause in their own message too ("probing the server: cannot reach ...")
//! and also as their source, so anyhow's `{:#}` would print the cause twice.
pub fn chain_text(err: &anyhow::Error) -> String {
    error_text(err.as_ref())
}

/// [`chain_text`] of any error: its message, then each source not said yet.
pub fn error_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        next = cause.source();
        let msg = cause.to_string();
        if text.contains(&msg) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&msg);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("probing the server: {0}")]
    struct Outer(#[from] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("cannot reach the Docker Engine")]
    struct Inner;

    #[test]
    fn each_cause_is_said_once() {
        let err = anyhow::Error::from(Outer(Inner)).context("the course stopped");
        assert_eq!(
            format!("{err:#}"),
            "the course stopped: probing the server: cannot reach the Docker Engine: cannot reach the Docker Engine"
        );
        assert_eq!(
            chain_text(&err),
            "the course stopped: probing the server: cannot reach the Docker Engine"
        );
        let plain = anyhow::anyhow!("one").context("two");
        assert_eq!(chain_text(&plain), "two: one");
    }
}
