//! The conntrack stage: the server namespace's own table filled up to the global
//! limit with synthetic long-lived entries, and the host-wide limit raised (the
//! seed's fix) from the holder of the engine's ledger, journaled first.
use std::time::Duration;

use super::error::{EngineError, HostValueError};
use super::journal::Journal;
use super::ledger_store::{host_path, HeldLedger};
use super::server::{Server, Side};
use super::Engine;

/// Above this global limit the fill would pin over ~1 GB of kernel memory.
pub const MAX_FILL: u64 = 1_100_000;

#[derive(Debug, Clone, Copy)]
pub struct Filled {
    pub count: u64,
    pub max: u64,
}

/// Reads `count max` of the server namespace's table.
pub async fn table(server: &Server) -> Result<Filled, EngineError> {
    let out = server
        .exec(
            Side::Nginx,
            &[
                "cat",
                "/proc/sys/net/netfilter/nf_conntrack_count",
                "/proc/sys/net/netfilter/nf_conntrack_max",
            ],
            super::docker::CALL,
        )
        .await?
        .ok("reading the server's conntrack count")?;
    let mut nums = out.stdout.split_whitespace().map(str::parse::<u64>);
    match (nums.next(), nums.next()) {
        (Some(Ok(count)), Some(Ok(max))) => Ok(Filled { count, max }),
        _ => Err(EngineError::ConntrackTable { text: out.stdout }),
    }
}

impl Engine {
    /// Fills the server's table to `max`, no free entry left (a few free ones
    /// go to whichever connections come first, client or nginx's upstream, and
    /// goodput would depend on the race), with ESTABLISHED/ASSURED
    /// entries between addresses of the benchmark range 198.18.0.0/15, which no
    /// real packet uses, loaded in one batch with `conntrack -R` after a flush
    /// (the entries of the start's own requests would expire and free room).
    pub(crate) async fn fill_conntrack(&self, server: &Server) -> Result<Filled, EngineError> {
        let now = table(server).await?;
        if now.max > MAX_FILL {
            return Err(EngineError::FillTooLarge {
                max: now.max,
                limit: MAX_FILL,
            });
        }
        let want = now.max;
        let script = format!(
            "awk 'BEGIN {{ for (i = 0; i < {want}; i++) {{ h = int(i / 60000); \
             printf \"-I -s 198.18.%d.%d -d 198.19.0.1 -p tcp --sport %d --dport 80 --state ESTABLISHED -t 432000 -u ASSURED\\n\", \
             int(h / 250), 1 + h % 250, 1 + i % 60000 }} }}' > /tmp/conntrack-fill && \
             conntrack -F 2>/dev/null; conntrack -R /tmp/conntrack-fill 2>&1 | tail -n 1; rm -f /tmp/conntrack-fill"
        );
        server
            .sh(Side::Nginx, &script, Duration::from_secs(120))
            .await?
            .ok("filling the server's conntrack table")?;
        let after = table(server).await?;
        if after.count < after.max {
            return Err(EngineError::FillStopped {
                count: after.count,
                max: after.max,
            });
        }
        Ok(after)
    }

    /// Raises a host-wide value (never lowers it): this lab's journal and the
    /// engine's ledger are written (and synced) before the change, and `perflab
    /// down` of the last lab that raised it puts the original back. Returns the
    /// value it had.
    pub async fn raise_host_sysctl(&self, key: &str, value: u64) -> Result<u64, EngineError> {
        host_path(key)?;
        let mut held = self.take_ledger().await?;
        let result = self.raise_held(&mut held, key, value).await;
        let released = held.release().await;
        let was = result?;
        released?;
        Ok(was)
    }

    async fn raise_held(
        &self,
        held: &mut HeldLedger,
        key: &str,
        value: u64,
    ) -> Result<u64, EngineError> {
        let current = held.read_value(key).await?;
        if value <= current {
            return Err(HostValueError::WouldLower {
                key: key.to_string(),
                current,
                value,
            }
            .into());
        }
        let original = match held.ledger.get(key) {
            Some(raised) if raised.applied == current => raised.original,
            _ => current,
        };
        let dir = &self.state_dir;
        let mut journal = Journal::load(dir)?;
        journal.record(key, &original.to_string(), &value.to_string());
        journal.save(dir)?;
        held.ledger.raise(key, &self.names.lab, current, value);
        held.save().await?;
        held.write_value(key, value).await?;
        let now = held.read_value(key).await?;
        if now != value {
            return Err(HostValueError::NotWritten {
                key: key.to_string(),
                now,
                value,
            }
            .into());
        }
        Ok(current)
    }
}
